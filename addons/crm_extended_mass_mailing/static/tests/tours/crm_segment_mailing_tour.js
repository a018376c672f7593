/** @odoo-module **/

import { registry } from "@web/core/registry";

// Starts on the segments (the test passes the action's URL), as a marketing and sales user:
// the segment's Create Mailing opens a draft mailing to its members, and the segment then shows
// its mailings and their results.
registry.category("web_tour.tours").add("crm_segment_mailing_tour", {
    steps: () => [
        {
            trigger: ".o_kanban_record:contains('Tour Win-back'), .o_data_row:contains('Tour Win-back')",
            content: "Open the segment",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name]:contains('Tour Win-back'), .o_form_view .o_field_widget[name=name] input",
            content: "The segment's form",
        },
        {
            trigger: ".o_form_view button[name=action_create_mailing]",
            content: "Create a mailing to the segment's members",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=crm_segment_id]:contains('Tour Win-back')",
            content: "The mailing is to the segment",
        },
        {
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Tour Win-back')",
            content: "Back to the segment",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_view_mailings]:contains('1')",
            content: "The segment counts its mailing",
        },
        {
            trigger: ".o_notebook .nav-link:contains('Campaign Results')",
            content: "The campaign results",
            run: "click",
        },
        {
            trigger: ".o_field_one2many[name=mailing_ids] .o_data_row:contains('Tour Win-back')",
            content: "The mailing and its figures",
        },
        {
            trigger: ".o_form_view button[name=action_view_mailings]",
            content: "Open the segment's mailings",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Win-back')",
            content: "The segment's mailings",
        },
    ],
});
