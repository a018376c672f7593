/** @odoo-module **/

import { registry } from "@web/core/registry";

// Starts on a loyalty card's form (the test passes its URL): the ledger, then a manager's
// adjustment recorded through core's Update Balance wizard.
registry.category("web_tour.tours").add("crm_loyalty_card_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name=tier_id]:contains('Silver')",
            content: "The card shows the customer's tier",
        },
        {
            trigger: ".o_field_one2many[name=crm_ledger_ids] .o_data_row:contains('Earned')",
            content: "The ledger lists the order's award",
        },
        {
            trigger: "button[name=action_loyalty_update_balance]:contains('Adjust Points')",
            content: "A manager adjusts the points with core's Update Balance",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=new_balance] input",
            run: "edit 110",
        },
        {
            trigger: ".modal .o_field_widget[name=description] input",
            run: "edit Goodwill correction",
        },
        {
            trigger: ".modal button[name=action_update_card_point]",
            content: "Record the adjustment",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_field_one2many[name=crm_ledger_ids] .o_data_row:contains('Goodwill correction'):contains('Adjustment')",
            content: "The adjustment is a new ledger row; nothing was rewritten",
        },
        {
            trigger: ".o_field_widget[name=points_display]:contains('110')",
            content: "The balance follows the ledger",
        },
    ],
});
