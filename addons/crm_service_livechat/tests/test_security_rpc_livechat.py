"""Live chat tickets and interactions attacked over JSON-RPC: only a service user taking part
in a chat turns it into a ticket; transcripts stay with those who may read the ticket's notes;
the links between chats, tickets and interactions are kept by the chat itself."""

from odoo import Command
from odoo.addons.crm_extended.tests.rpc import RpcAttackCase
from odoo.tests import tagged

from .common import LivechatMixin


@tagged("post_install", "-at_install")
class TestLivechatSecurityRpc(LivechatMixin, RpcAttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.make_user("service_2", "crm_extended.group_crm_service_user")
        cls.customer = env["res.partner"].create({"name": "Chatty Customer Co", "is_company": True})
        cls.users["portal"].partner_id.parent_id = cls.customer
        cls.team = env["crm.ticket.team"].create(
            {"name": "Chat Care", "member_ids": [Command.set(cls.users["service"].ids)]}
        )
        # the service user answers the portal customer's chat; the employee answers another one
        cls.chat = cls.open_chat(cls.make_livechat(cls.users["service"]), cls.users["portal"])
        cls.say(cls.chat, cls.users["portal"], "My parcel never came")
        cls.say(cls.chat, cls.users["service"], "Let me look")
        cls.chat_employee = cls.open_chat(cls.make_livechat(cls.users["employee"]), cls.users["portal"])
        cls.say(cls.chat_employee, cls.users["portal"], "Anyone there?")
        cls.interaction = env["crm.interaction"].search([("discuss_channel_id", "=", cls.chat.id)])
        cls.ticket = cls.chat.with_user(cls.users["service"])._crm_create_ticket("Lost parcel")
        cls.transcript = cls.ticket.message_ids.filtered(lambda m: "My parcel never came" in m.body)
        cls.other_chat_interaction = env["crm.interaction"].search(
            [("discuss_channel_id", "=", cls.chat_employee.id)]
        )

    def snapshot(self):
        self.env.invalidate_all()
        return {
            "tickets": self.env["crm.ticket"].search([], order="id").read(["name", "discuss_channel_id"]),
            "interactions": self.env["crm.interaction"]
            .search([], order="id")
            .read(["name", "discuss_channel_id", "ticket_id", "duration", "note"]),
        }

    def refused_table(self):
        chat, other_chat, ticket = self.chat.id, self.chat_employee.id, self.ticket
        command = {"body": "/ticket Stolen"}
        return [
            # turning a chat into a ticket: the customer, an employee without service rights
            # (even as the chat's operator), a salesperson, a service user outside the chat,
            # another company's user
            ("portal", "discuss.channel", "execute_command_ticket", [[chat]], command, None),
            ("employee", "discuss.channel", "execute_command_ticket", [[other_chat]], command, None),
            ("salesman", "discuss.channel", "execute_command_ticket", [[chat]], command, None),
            ("service_2", "discuss.channel", "execute_command_ticket", [[chat]], command, None),
            ("service_2", "discuss.channel", "execute_command_ticket", [[other_chat]], command, None),
            ("other_company", "discuss.channel", "execute_command_ticket", [[chat]], command, None),
            # the internal paths are not reachable at all
            ("service", "discuss.channel", "_crm_create_ticket", [[chat], "x"], {}, None),
            ("service", "discuss.channel", "_crm_sync_chat_interactions", [[chat]], {}, None),
            ("portal", "discuss.channel", "_close_livechat_session", [[chat]], {}, None),
            # the transcript: the customer does not read the ticket's internal note, nor do an
            # employee or another company's user read the ticket, its note or the interaction
            ("portal", "mail.message", "read", [self.transcript.ids, ["body"]], {}, None),
            ("portal", "crm.ticket", "read", [ticket.ids, ["discuss_channel_id"]], {}, None),
            ("portal", "crm.interaction", "read", [self.interaction.ids, ["note"]], {}, None),
            ("employee", "mail.message", "read", [self.transcript.ids, ["body"]], {}, None),
            ("employee", "crm.ticket", "read", [ticket.ids, ["name"]], {}, None),
            ("employee", "crm.interaction", "read", [self.interaction.ids, ["note"]], {}, None),
            ("other_company", "mail.message", "read", [self.transcript.ids, ["body"]], {}, None),
            ("other_company", "crm.ticket", "read", [ticket.ids, ["name"]], {}, None),
            ("other_company", "crm.interaction", "read", [self.interaction.ids, ["note"]], {}, None),
            # the chat a service user is not in stays closed to him
            ("service_2", "discuss.channel", "read", [[chat], ["name"]], {}, None),
            # the links are bookkeeping: never set, moved or cleared by a caller
            ("service", "crm.ticket", "write", [ticket.ids, {"discuss_channel_id": other_chat}], {}, None),
            ("service", "crm.ticket", "write", [ticket.ids, {"discuss_channel_id": False}], {}, None),
            ("service", "crm.ticket", "create", [{"name": "x", "discuss_channel_id": other_chat}], {}, None),
            ("salesman", "crm.ticket", "write", [ticket.ids, {"discuss_channel_id": other_chat}], {}, None),
            (
                "service",
                "crm.interaction",
                "write",
                [self.interaction.ids, {"discuss_channel_id": False}],
                {},
                None,
            ),
            (
                "service",
                "crm.interaction",
                "write",
                [self.interaction.ids, {"discuss_channel_id": other_chat}],
                {},
                None,
            ),
            (
                "service",
                "crm.interaction",
                "create",
                [{"partner_id": self.customer.id, "discuss_channel_id": other_chat}],
                {},
                None,
            ),
            (
                "service",
                "crm.interaction",
                "create",
                [{"partner_id": self.customer.id}],
                {},
                {"default_discuss_channel_id": other_chat},
            ),
            (
                "service",
                "crm.ticket",
                "create",
                [{"name": "x"}],
                {},
                {"default_discuss_channel_id": other_chat},
            ),
        ]

    def test_refusals_leave_everything_unchanged(self):
        self.assertTrue(self.transcript and self.interaction and self.other_chat_interaction)
        before = self.snapshot()
        rows = self.refused_table()
        for who, model, method, args, kwargs, context in rows:
            with self.subTest(who=who, model=model, method=method, args=str(args)[:120]):
                self.assertRpcRefused(who, model, method, args, kwargs, context)
        self.assertEqual(self.snapshot(), before, "a refused call changed data")

    def test_operator_makes_a_ticket_over_rpc(self):
        """The call the /ticket command makes, as the operator's browser makes it."""
        self.rpc(
            "service",
            "discuss.channel",
            "execute_command_ticket",
            [self.chat.ids],
            {"body": "/ticket Refund"},
        )
        self.env.invalidate_all()
        ticket = self.env["crm.ticket"].search(
            [("discuss_channel_id", "=", self.chat.id), ("name", "=", "Refund")]
        )
        self.assertEqual(ticket.partner_id, self.users["portal"].partner_id)
        self.assertEqual(ticket.team_id, self.team)
        self.assertIn("My parcel never came", str(ticket.message_ids.mapped("body")))
        # the service user reads his tickets' link, and the chat's interaction
        row = self.rpc("service", "crm.ticket", "read", [ticket.ids, ["discuss_channel_id"]])[0]
        self.assertEqual(row["discuss_channel_id"][0], self.chat.id)
        row = self.rpc("service", "crm.interaction", "read", [self.interaction.ids, ["discuss_channel_id"]])[
            0
        ]
        self.assertEqual(row["discuss_channel_id"][0], self.chat.id)
        # another service user finds none of the chat's messages (he is not in it)
        domain = [("model", "=", "discuss.channel"), ("res_id", "=", self.chat.id)]
        self.assertEqual(self.rpc("service_2", "mail.message", "search_read", [domain, ["body"]]), [])
