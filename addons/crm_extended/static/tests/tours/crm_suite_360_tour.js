/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_suite_360_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: ".o_app[data-menu-xmlid='crm_extended.menu_crm_suite_root']",
            content: "Open the Customers 360 app",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('Nile Trading Co.')",
            content: "Open a customer with orders",
            run: "click",
        },
        {
            trigger: ".o_notebook .nav-link:contains('360°')",
            content: "The 360° tab is there",
            run: "click",
        },
        {
            trigger: "button[name=action_view_360_orders]",
            content: "Confirmed orders, with a button to open them",
        },
        {
            trigger: ".o_field_widget[name=rfm_segment] .badge",
            content: "An RFM segment badge",
        },
        {
            trigger: ".o_field_widget[name=segment_ids] .o_tag:contains('Middle East customers')",
            content: "Member of a rule-based segment",
        },
        {
            trigger: ".o_main_navbar .o_menu_sections button:contains('Duplicates'), .o_main_navbar .o_menu_sections a:contains('Duplicates')",
            content: "Open the duplicates menu",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains('Review Queue')",
            content: "Open the review queue",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains('Gulf Spice Traders') button[name=action_dismiss]",
            content: "Mark the Gulf Spice pair as not a duplicate",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains('دار الكتب للتجارة')",
            content: "The Arabic pair is still to review",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Gulf Spice Traders LLC')))",
            content: "The dismissed pair left the queue",
        },
    ],
});
