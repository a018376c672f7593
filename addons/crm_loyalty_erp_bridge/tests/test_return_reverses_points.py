from odoo import Command
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestReturnReversesPoints(TransactionCase):
    """Goods come back and a credit note is made from the order lines (as the service return
    flow of crm_service_erp_bridge builds it): the points the returned goods earned go back.
    No service ticket is involved: the rule lives in crm_loyalty, on every posted credit note."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.product = cls.env["product.product"].create(
            {
                "name": "Kettle",
                "is_storable": True,
                "list_price": 40.0,
                "invoice_policy": "order",
                "taxes_id": False,
            }
        )
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.warehouse.lot_stock_id, 50)
        cls.customer = cls.env["res.partner"].create({"name": "Return Customer", "email": "rc@example.com"})
        cls.program = cls.env["loyalty.program"].create(
            {
                "name": "Return Club",
                "program_type": "loyalty",
                "applies_on": "both",
                "trigger": "auto",
                "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
            }
        )

    def make_delivered_order(self, qty):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": qty})],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = qty
        picking.button_validate()
        order._create_invoices().action_post()
        return order

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
