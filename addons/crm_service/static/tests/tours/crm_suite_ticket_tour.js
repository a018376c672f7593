/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_suite_ticket_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: ".o_app[data-menu-xmlid='crm_extended.menu_crm_suite_root']",
            content: "Open the Customers 360 app",
            run: "click",
        },
        {
            trigger: ".o_main_navbar .o_menu_sections button:contains('Service'), .o_main_navbar .o_menu_sections a:contains('Service')",
            content: "Open the service menu",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains('All Tickets')",
            content: "Open the ticket kanban",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('Late delivery of order')",
            content: "Open the late delivery complaint",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=sla_status] .badge",
            content: "The SLA status badge is on the form",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_log_interaction]",
            content: "Log a call from the ticket",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=name] input",
            content: "Summarise the call",
            run: "edit Promised a new delivery date",
        },
        {
            trigger: ".modal .o_form_button_save, .modal footer button.btn-primary",
            content: "Log it",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
            content: "The dialog is closed",
        },
        {
            trigger: "button[name=action_open_interactions] .o_stat_value:contains('2')",
            content: "The ticket now counts two interactions",
        },
    ],
});
