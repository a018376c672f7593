from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import LivechatCase


@tagged("post_install", "-at_install")
class TestChatInteraction(LivechatCase):
    def chat_interactions(self, chat):
        return self.env["crm.interaction"].search([("discuss_channel_id", "=", chat.id)])

    def timeline_rows(self, partner):
        self.env.flush_all()
        return self.env["crm.partner.timeline"].search(
            [("partner_id", "=", partner.id), ("res_model", "=", "crm.interaction")]
        )

    def test_known_customer_chat_is_one_interaction_on_his_timeline(self):
        chat = self.open_chat(self.livechat, self.portal_user)
        self.say(chat, self.agent_1, "Hello, how can I help?")
        self.assertFalse(self.chat_interactions(chat), "the operator alone makes no interaction")
        self.say(chat, self.portal_user, "My   invoice\nis wrong")
        self.say(chat, self.portal_user, "Invoice INV/0042")
        self.say(chat, self.agent_1, "I am on it")

        interaction = self.chat_interactions(chat)
        self.assertEqual(len(interaction), 1, "one interaction per chat")
        self.assertEqual(interaction.partner_id, self.visitor)
        self.assertEqual(interaction.commercial_partner_id, self.customer)
        self.assertEqual(interaction.channel, "chat")
        self.assertEqual(interaction.direction, "inbound")
        self.assertEqual(interaction.name, "Live chat: My invoice is wrong")
        self.assertEqual(interaction.date, chat.create_date)
        self.assertEqual(interaction.user_id, self.agent_1)
        self.assertEqual(interaction.duration, 0.0, "no length while the chat goes on")
        self.assertIn(f"discuss.channel_{chat.id}", interaction.note)

        # the chat lasted 30 minutes; the visitor leaves
        messages = chat.message_ids.filtered(lambda m: m.message_type == "comment").sorted("id")
        start = messages[0].date
        messages[-1].date = start + timedelta(minutes=30)
        chat.with_user(self.portal_user)._close_livechat_session()
        self.assertFalse(chat.livechat_active)
        self.assertEqual(self.chat_interactions(chat), interaction, "updated, not logged twice")
        self.assertAlmostEqual(interaction.duration, 0.5, places=3)

        # the customer's interactions and timeline (on his company, the commercial partner)
        self.assertIn(
            interaction, self.env["crm.interaction"].search([("partner_id", "child_of", self.customer.id)])
        )
        rows = self.timeline_rows(self.customer)
        self.assertEqual(rows.mapped("res_id"), interaction.ids)
        self.assertEqual(rows.kind, "interaction")
        self.assertEqual(rows.channel, "chat")

    def test_sync_is_idempotent_and_set_based(self):
        chats = self.env["discuss.channel"]
        for _i in range(3):
            chat = self.open_chat(self.livechat, self.portal_user)
            self.say(chat, self.portal_user, "Hi")
            chats |= chat
        self.assertEqual(
            len(self.env["crm.interaction"].search([("discuss_channel_id", "in", chats.ids)])), 3
        )
        chats.write({"livechat_active": False})
        chats.sudo()._crm_sync_chat_interactions()
        chats.sudo()._crm_sync_chat_interactions()
        self.assertEqual(
            len(self.env["crm.interaction"].search([("discuss_channel_id", "in", chats.ids)])), 3
        )
        self.assertEqual(len(self.timeline_rows(self.customer)), 3)

    def test_anonymous_chat_creates_no_interaction(self):
        before = self.env["crm.interaction"].search_count([])
        chat = self.open_chat(self.livechat)
        self.say(chat, "guest", "Just looking")
        self.say(chat, self.agent_1, "Welcome")
        chat.with_user(self.env.ref("base.public_user")).with_context(
            guest=chat.channel_member_ids.guest_id
        )._close_livechat_session()
        self.assertFalse(chat.livechat_active)
        self.assertEqual(self.env["crm.interaction"].search_count([]), before)

    def test_chatbot_and_employees_are_no_customers(self):
        bot_script = self.env["chatbot.script"].create({"title": "Helper Bot"})
        chat = self.open_chat(self.livechat)
        chat.add_members(
            partner_ids=(bot_script.operator_partner_id | self.leader.partner_id).ids,
            post_joined_message=False,
        )
        self.say(chat, self.leader, "I am an employee")
        chat.message_post(author_id=bot_script.operator_partner_id.id, body="Beep", message_type="comment")
        self.assertEqual(chat._crm_livechat_customers(), {})
        self.assertFalse(self.chat_interactions(chat))
        # with the visitor's contact among them, he is the customer
        chat.channel_member_ids.filtered("guest_id").unlink()
        chat.write({"channel_member_ids": [Command.create({"partner_id": self.visitor.id})]})
        self.assertEqual(chat._crm_livechat_customers(), {chat: self.visitor})
