/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_service_survey_scores_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: ".o_app[data-menu-xmlid='crm_extended.menu_crm_suite_root']",
            content: "Open the Customers 360 app",
            run: "click",
        },
        {
            trigger: ".o_main_navbar .o_menu_sections button:contains('Reporting'), .o_main_navbar .o_menu_sections a:contains('Reporting')",
            content: "Open the reporting menu",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains('Survey Scores')",
            content: "Open the survey scores",
            run: "click",
        },
        {
            trigger: ".o_pivot tr:has(th:contains('Tour Care')) td:contains('50.00')",
            content: "The team's average score, by agent",
        },
        {
            trigger: ".o_switch_view.o_list",
            content: "List the answered tickets",
            run: "click",
        },
        {
            trigger: ".o_data_row:has(td[name=survey_score]:contains('50.00')) td[name=name]:contains('Tour printer jam')",
            content: "The ticket and its score",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Survey')",
            content: "Open the ticket's survey tab",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=survey_score]:contains('50.00')",
            content: "The score is on the ticket",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=survey_user_input_id]:contains('How did we do?')",
            content: "With the customer's answer",
        },
    ],
});
