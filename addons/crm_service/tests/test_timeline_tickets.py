"""Tickets extend crm_extended's customer timeline and 360: their rows follow the ticket's
access, over JSON-RPC as every kind of user."""

from odoo.addons.crm_extended.tests.rpc import RpcAttackCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestTimelineTickets(RpcAttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.customer = cls.env["res.partner"].create(
            {"name": "Ticket Timeline Customer", "is_company": True, "company_id": cls.company_a.id}
        )
        cls.ticket = cls.env["crm.ticket"].create(
            {"name": "Broken gadget", "partner_id": cls.customer.id, "company_id": cls.company_a.id}
        )
        cls.ticket.message_post(
            body="SECRET-TICKET-NOTE", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        cls.env["crm.interaction"].create(
            {"name": "ON-TICKET", "partner_id": cls.customer.id, "ticket_id": cls.ticket.id}
        )
        cls.env.flush_all()

    def _timeline(self, who):
        rows = self.rpc(
            who,
            "crm.partner.timeline",
            "search_read",
            [[("partner_id", "=", self.customer.id)]],
            {"fields": ["name", "kind", "res_model"]},
        )
        return {(r["res_model"], r["kind"], (r["name"] or "").strip()) for r in rows}

    def test_ticket_rows_follow_ticket_access(self):
        ticket_row = ("crm.ticket", "ticket", self.ticket.display_name)
        note_row = ("crm.ticket", "message", "SECRET-TICKET-NOTE")
        interaction_row = ("crm.interaction", "interaction", "ON-TICKET")
        service = self._timeline("service")
        self.assertLessEqual({ticket_row, note_row, interaction_row}, service)
        employee = self._timeline("employee")
        self.assertFalse({ticket_row, note_row, interaction_row} & employee)
        self.assertFalse(self._timeline("other_company"))

    def test_360_counts_tickets(self):
        rows = self.rpc(
            "service",
            "res.partner",
            "read",
            [self.customer.ids],
            {"fields": ["crm_ticket_count", "crm_open_ticket_count", "crm_interaction_count"]},
        )
        self.assertEqual(
            (rows[0]["crm_ticket_count"], rows[0]["crm_open_ticket_count"], rows[0]["crm_interaction_count"]),
            (1, 1, 1),
        )
        self.assertRpcRefused(
            "employee", "res.partner", "read", [self.customer.ids], {"fields": ["crm_ticket_count"]}
        )
