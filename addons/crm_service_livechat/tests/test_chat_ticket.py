import json

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import LivechatCase


@tagged("post_install", "-at_install")
class TestChatTicket(LivechatCase):
    def transient_messages(self, user):
        """Bodies of the transient messages (the command's answers) sent to ``user``."""
        pending = self.env.cr.precommit.data.get("bus.bus.values", [])
        return [
            json.loads(n["message"])["payload"]["body"]
            for n in pending
            if json.loads(n["message"])["type"] == "discuss.channel/transient_message"
            and json.loads(n["channel"])[1:] == ["res.partner", user.partner_id.id]
        ]

    def test_chat_becomes_ticket_with_transcript(self):
        chat = self.open_chat(self.livechat, self.portal_user)
        self.say(chat, self.portal_user, "My printer is on fire")
        self.say(chat, self.agent_1, "Let me check the model")
        self.say(chat, self.portal_user, "<script>alert(1)</script> & more")

        chat.with_user(self.agent_1).execute_command_ticket(body="/ticket  Printer on fire ")

        ticket = self.env["crm.ticket"].search([("discuss_channel_id", "=", chat.id)])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.name, "Printer on fire")
        self.assertEqual(ticket.channel, "chat")
        self.assertEqual(ticket.partner_id, self.visitor, "the customer of the chat, not the operator")
        self.assertEqual(ticket.commercial_partner_id, self.customer)
        self.assertEqual(ticket.team_id, self.team, "the operator's team")
        self.assertEqual(ticket.user_id, self.agent_1)
        self.assertEqual(chat.crm_ticket_ids, ticket)
        self.assertEqual(chat.crm_ticket_count, 1)
        # the transcript is an internal note of the ticket's chatter, every line escaped
        transcript = ticket.message_ids.filtered(lambda m: "My printer is on fire" in m.body)
        self.assertEqual(len(transcript), 1)
        self.assertTrue(transcript.is_internal or transcript.subtype_id.internal)
        self.assertEqual(transcript.author_id, self.agent_1.partner_id)
        body = str(transcript.body)
        self.assertIn("Pia Portal: My printer is on fire", body)
        self.assertIn("Agent One: Let me check the model", body)
        self.assertIn("Pia Portal: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more", body)
        self.assertNotIn("<script", body)
        self.assertIn(f'data-oe-id="{chat.id}"', body.replace("'", '"'))
        # the chat's interaction is the ticket's
        interaction = self.env["crm.interaction"].search([("discuss_channel_id", "=", chat.id)])
        self.assertEqual(interaction.ticket_id, ticket)
        # the operator is told, with a link to the ticket
        answers = self.transient_messages(self.agent_1)
        self.assertTrue(any(f"data-oe-id='{ticket.id}'" in a for a in answers), answers)

    def test_ticket_command_without_subject_explains(self):
        chat = self.open_chat(self.livechat, self.portal_user)
        self.say(chat, self.portal_user, "Hello")
        chat.with_user(self.agent_1).execute_command_ticket(body="/ticket")
        self.assertFalse(self.env["crm.ticket"].search([("discuss_channel_id", "=", chat.id)]))
        self.assertTrue(any("ticket subject" in a for a in self.transient_messages(self.agent_1)))

    def test_anonymous_chat_ticket_has_no_customer(self):
        chat = self.open_chat(self.livechat)
        self.say(chat, "guest", "I cannot log in")
        # a chatbot asked the visitor's email: the ticket keeps it, as core does for a lead
        script = self.env["chatbot.script"].create(
            {
                "title": "Desk Bot",
                "script_step_ids": [Command.create({"step_type": "question_email", "message": "Email?"})],
            }
        )
        answer = self.say(chat, "guest", "visitor@example.com")
        self.env["chatbot.message"].create(
            {
                "mail_message_id": answer.id,
                "discuss_channel_id": chat.id,
                "script_step_id": script.script_step_ids.id,
                "user_raw_answer": "visitor@example.com",
            }
        )
        chat.with_user(self.agent_1).execute_command_ticket(body="/ticket Login problem")
        ticket = self.env["crm.ticket"].search([("discuss_channel_id", "=", chat.id)])
        self.assertEqual(ticket.channel, "chat")
        self.assertFalse(ticket.partner_id, "an anonymous visitor is no customer")
        self.assertEqual(ticket.partner_email, "visitor@example.com")
        self.assertIn("Visitor: I cannot log in", str(ticket.message_ids.mapped("body")))

    def test_other_company_contact_keeps_the_address_only(self):
        other_company = self.env["res.company"].create({"name": "Elsewhere Ltd"})
        elsa = self.env["res.partner"].create(
            {"name": "Elsa Elsewhere", "email": "elsa@example.com", "company_id": other_company.id}
        )
        chat = self.open_chat(self.livechat)
        chat.channel_member_ids.filtered("guest_id").unlink()
        chat.add_members(partner_ids=elsa.ids, post_joined_message=False)
        chat.message_post(author_id=elsa.id, body="Hello from elsewhere", message_type="comment")
        chat.with_user(self.agent_1).execute_command_ticket(body="/ticket Elsewhere")
        ticket = self.env["crm.ticket"].search([("discuss_channel_id", "=", chat.id)])
        self.assertEqual(ticket.company_id, self.team.company_id)
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.partner_email, "elsa@example.com")
        # nor does what she told this company land in the other company's history
        chat.sudo()._crm_sync_chat_interactions()
        self.assertFalse(
            self.env["crm.interaction"]
            .with_context(active_test=False)
            .search([("discuss_channel_id", "=", chat.id)])
        )

    def test_only_a_service_user_of_the_chat_makes_tickets(self):
        chat = self.open_chat(self.livechat, self.portal_user)
        self.say(chat, self.portal_user, "Hello")
        # a service user who does not take part in this chat
        with self.assertRaises(AccessError):
            chat.with_user(self.agent_2).execute_command_ticket(body="/ticket Not mine")
        # the visitor himself
        with self.assertRaises(AccessError):
            chat.with_user(self.portal_user).execute_command_ticket(body="/ticket Mine")
        # an employee without service rights, even once in the chat
        employee = new_test_user(self.env, login="lc_employee", groups="base.group_user")
        chat.add_members(partner_ids=employee.partner_id.ids, post_joined_message=False)
        with self.assertRaises(AccessError):
            chat.with_user(employee).execute_command_ticket(body="/ticket Employee")
        # a conversation that is no live chat
        group = (
            self.env["discuss.channel"]
            .with_user(self.agent_1)
            .create_group(partners_to=self.agent_2.partner_id.ids)
        )
        with self.assertRaises(UserError):
            group.execute_command_ticket(body="/ticket Internal")
        self.assertFalse(self.env["crm.ticket"].search([("discuss_channel_id", "in", (chat | group).ids)]))
