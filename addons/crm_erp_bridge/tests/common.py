from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.fields import Command
from odoo.tests import TransactionCase


class OrderToCashCommon(AccountTestInvoicingCommon):
    """A customer, a storable product invoiced on delivery, a service invoiced on order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.credit_control_policy = "off"
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.customer = cls.env["res.partner"].create({"name": "O2C Customer", "is_company": True})
        cls.goods = cls.env["product.product"].create(
            {
                "name": "O2C Goods",
                "type": "consu",
                "is_storable": True,
                "invoice_policy": "delivery",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
                "sale_delay": 0,
            }
        )
        cls.service = cls.env["product.product"].create(
            {
                "name": "O2C Service",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 50.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.env["stock.quant"]._update_available_quantity(cls.goods, cls.warehouse.lot_stock_id, 1000.0)

    @classmethod
    def _order(cls, lines, partner=None, confirm=True, **vals):
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in lines
                ],
                **vals,
            }
        )
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def _deliver(cls, order, qty=None):
        """Validate the open delivery of the order, for ``qty`` units (all when None)."""
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty if qty is None else qty
            move.picked = True
        picking._action_done()
        return picking

    @classmethod
    def _invoice(cls, order, post=True):
        invoice = order._create_invoices(final=True)
        if post:
            invoice.action_post()
        return invoice

    @classmethod
    def _pay(cls, invoice, amount=None):
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({} if amount is None else {"amount": amount})
        )
        return wizard._create_payments()


class DeliveredOrderCase(TransactionCase):
    """For the return flows of the glue addons: a stored product invoiced on order (40, 50 in
    stock), a customer, and orders delivered and invoiced in one call."""

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

    def make_delivered_order(self, qty=5, invoice=True):
        """A confirmed order of ``qty`` kettles, delivered, and invoiced (posted) unless told not."""
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
        self.assertEqual(picking.state, "done")
        if invoice:
            order._create_invoices().action_post()
        return order
