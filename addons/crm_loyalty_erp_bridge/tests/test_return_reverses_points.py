from odoo import Command
from odoo.addons.crm_erp_bridge.tests.common import DeliveredOrderCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestReturnReversesPoints(DeliveredOrderCase):
    """Goods come back and a credit note is made from the order lines (as the service return
    flow of crm_service_erp_bridge builds it): the points the returned goods earned go back.
    No service ticket is involved: the rule lives in crm_loyalty, on every posted credit note."""

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
        delivery = order.picking_ids
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=delivery.id, active_ids=delivery.ids, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = 2
        return_picking = wizard._create_return()
        return_picking.move_ids.quantity = 2
        return_picking.button_validate()
        self.assertEqual(return_picking.state, "done")
        vals = order._prepare_invoice()
        vals.update(
            {
                "move_type": "out_refund",
                "invoice_line_ids": [Command.create(order.order_line._prepare_invoice_line(quantity=2))],
            }
        )
        credit_note = self.env["account.move"].create(vals)
        self.assertEqual(card.points, 200, "a draft credit note takes nothing back")
        credit_note.action_post()
        self.assertEqual(card.points, 120, "2 of 5 returned: 80 points back")
        reversal = card.crm_ledger_ids.filtered(lambda h: h.entry_type == "reversal")
        self.assertEqual(reversal.used, 80)
        self.assertEqual(reversal.crm_reversed_order_id, order)
        self.assertFalse(card._crm_ledger_mismatches())
