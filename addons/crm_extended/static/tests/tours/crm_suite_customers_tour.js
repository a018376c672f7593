/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_suite_customers_tour", {
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
            content: "Demo customers are listed",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name]:contains('Nile Trading Co.'), .o_form_view .o_field_widget[name=name] input",
            content: "The customer's form opens",
        },
    ],
});
