from odoo import Command
from odoo.addons.crm_erp_bridge.tests.test_ticket_return import TestTicketReturn
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestReturnReversesPoints(TestTicketReturn):
    """A service return ends with a credit note: the points the returned goods earned go back."""

    # reuse the return flow of crm_erp_bridge's tests without running them twice
    test_return_then_credit_note_then_close = None
    test_nothing_invoiced_closes_on_receipt = None
    test_refused_without_return_type_or_delivery = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env["loyalty.program"].create(
            {
                "name": "Return Club",
                "program_type": "loyalty",
                "applies_on": "both",
                "trigger": "auto",
                "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
            }
        )

    def test_return_credit_note_takes_back_the_points_of_the_returned_goods(self):
        order = self.make_delivered_order(qty=5)  # 5 x 40 = 200 points
        card = self.env["loyalty.card"].search(
            [("partner_id", "=", self.customer.id), ("program_id", "=", self.program.id)]
        )
        self.assertEqual(card.points, 200)
        ticket = self.make_ticket(order)
        return_picking = self.return_through_wizard(ticket, 2)
        return_picking.move_ids.quantity = 2
        return_picking.button_validate()
        self.assertEqual(card.points, 200, "a draft credit note takes nothing back")
        ticket.credit_note_ids.action_post()
        self.assertEqual(card.points, 120, "2 of 5 returned: 80 points back")
        reversal = card.crm_ledger_ids.filtered(lambda h: h.entry_type == "reversal")
        self.assertEqual(reversal.used, 80)
        self.assertEqual(reversal.crm_reversed_order_id, order)
        self.assertTrue(ticket.is_closed)
        self.assertFalse(card._crm_ledger_mismatches())
