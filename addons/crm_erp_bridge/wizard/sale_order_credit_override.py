from odoo import fields, models
from odoo.exceptions import AccessError


class SaleOrderCreditOverride(models.TransientModel):
    _name = "sale.order.credit.override"
    _description = "Confirm Orders Blocked by Credit Control"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    reason = fields.Text(required=True, help="Why the order is confirmed despite the credit block.")

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only a Sales Manager can override the credit block."))
        orders = self.order_ids.filtered(lambda o: o.state in ("draft", "sent"))
        for order in orders:
            issue = order._credit_control_issue()
            order.message_post(
                body=self.env._(
                    "Credit block overridden by %(user)s. Reason: %(reason)s\n%(issue)s",
                    user=self.env.user.name,
                    reason=self.reason,
                    issue=issue,
                )
            )
        orders.with_context(credit_control_override=True).action_confirm()
        return {"type": "ir.actions.act_window_close"}
