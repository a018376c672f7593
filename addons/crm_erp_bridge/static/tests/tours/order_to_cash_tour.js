/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_erp_bridge_cockpit_tour", {
    url: "/odoo/action-crm_erp_bridge.action_order_to_cash",
    steps: () => [
        {
            trigger: ".o_kanban_group:has(.o_column_title:contains('Partially Paid')) .o_kanban_record",
            content: "The cockpit shows orders by order-to-cash status",
        },
        {
            trigger: ".o_kanban_group:has(.o_column_title:contains('Delivered')) .o_kanban_record:contains('Nile Trading')",
            content: "A delivered order waits for its invoice",
        },
        {
            trigger: ".o_switch_view.o_list",
            content: "Switch to the list",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row",
        },
        {
            trigger: ".o_searchview_dropdown_toggler",
            content: "Open the filters",
            run: "click",
        },
        {
            trigger: ".o_filter_menu .dropdown-item:contains('Delivered, Not Invoiced')",
            content: "Only what is delivered and not invoiced",
            run: "click",
        },
        {
            trigger: ".o_facet_value:contains('Delivered, Not Invoiced')",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Paid')))",
            content: "Paid orders are filtered out",
        },
        {
            trigger: "thead .o_list_record_selector input",
            content: "Select them all",
            run: "click",
        },
        {
            trigger: "button[name=action_o2c_create_invoices]",
            content: "Invoice the selection through Odoo's wizard",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains('Invoices'), .o_breadcrumb:contains('Invoice')",
            content: "The new invoices are shown",
        },
    ],
});
