from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase


class CrmExtendedCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.product = cls.env["product.product"].create(
            {
                "name": "Widget",
                "list_price": 100.0,
                "type": "consu",
                "invoice_policy": "order",
                "taxes_id": False,
            }
        )
        cls.now = fields.Datetime.now()

    @classmethod
    def make_customer(cls, name, **vals):
        return cls.env["res.partner"].create({"name": name, "is_company": True, **vals})

    @classmethod
    def make_order(cls, partner, amount=100.0, days_ago=0, confirm=True, **vals):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    fields.Command.create(
                        {"product_id": cls.product.id, "product_uom_qty": 1, "price_unit": amount}
                    )
                ],
                **vals,
            }
        )
        if confirm:
            order.action_confirm()
            order.date_order = cls.now - timedelta(days=days_ago)
        return order

    @classmethod
    def make_invoice(cls, partner, amount, move_type="out_invoice", post=True):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_line_ids": [
                    fields.Command.create(
                        {"product_id": cls.product.id, "quantity": 1, "price_unit": amount, "tax_ids": False}
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move
