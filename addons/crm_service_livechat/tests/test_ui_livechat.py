from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import LivechatMixin


@tagged("post_install", "-at_install")
class TestLivechatTicketTour(LivechatMixin, HttpCase):
    def test_ticket_command_in_discuss(self):
        """The /ticket command registered in JS reaches the server from the chat's composer."""
        operator = new_test_user(
            self.env,
            login="lc_tour_operator",
            password="lc_tour_operator",
            name="Tour Operator",
            groups="crm_extended.group_crm_service_user,im_livechat.im_livechat_group_user",
        )
        portal = new_test_user(
            self.env, login="lc_tour_portal", groups="base.group_portal", name="Tom Portal"
        )
        self.env["crm.ticket.team"].create({"name": "Chat Desk", "member_ids": [Command.set(operator.ids)]})
        chat = self.open_chat(self.make_livechat(operator), portal)
        self.say(chat, portal, "My order never arrived")
        self.start_tour(
            f"/odoo/discuss?active_id=discuss.channel_{chat.id}",
            "crm_suite_livechat_ticket_tour",
            login=operator.login,
        )
        ticket = self.env["crm.ticket"].search([("discuss_channel_id", "=", chat.id)])
        self.assertEqual(ticket.name, "Order never arrived")
        self.assertEqual(ticket.partner_id, portal.partner_id)
