/** @odoo-module **/

import { registry } from "@web/core/registry";

// Started on the live chat in Discuss (see tests/test_ui_livechat.py)
registry.category("web_tour.tours").add("crm_suite_livechat_ticket_tour", {
    steps: () => [
        {
            trigger: ".o-mail-Message:contains('My order never arrived')",
            content: "The customer's message is in the chat",
        },
        {
            trigger: ".o-mail-Composer-input",
            content: "Type the ticket command",
            run: "edit /ticket Order never arrived",
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            content: "Send it",
            run: "click",
        },
        {
            // the composer is cleared once the server has run the command
            trigger: ".o-mail-Composer-input:not(:value('/ticket'))",
            content: "The command went to the server",
        },
        {
            trigger: ".o-mail-Thread:not(:has(.o-mail-Message:contains('/ticket')))",
            content: "The command is not posted as a message to the customer",
        },
    ],
});
