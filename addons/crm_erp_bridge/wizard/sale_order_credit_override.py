from odoo import fields, models

from ..models.sale_order import CREDIT_OVERRIDE_KEY, CreditOverride


class SaleOrderCreditOverride(models.TransientModel):
    _name = "sale.order.credit.override"
    _description = "Confirm Orders Blocked by Credit Control"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    reason = fields.Text(required=True, help="Why the order is confirmed despite the credit block.")

    def action_confirm(self):
        """The only way to confirm over a credit block: manager check, then the override."""
        self.ensure_one()
        self.env["sale.order"]._check_credit_override_right()
        # Every order asked for, not only those a many2many read lets through: one the manager
        # may not change is refused, not skipped.
        orders = self.env["sale.order"].browse(self.sudo().order_ids.ids)
        orders.check_access("write")
        orders = orders.filtered(lambda o: o.state in ("draft", "sent"))
        override = CreditOverride(self.reason)
        orders.with_context(**{CREDIT_OVERRIDE_KEY: override}).action_confirm()
        return {"type": "ir.actions.act_window_close"}
