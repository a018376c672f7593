from odoo import api, models


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    @api.depends("sale_order_ids")
    def _compute_invoice_amounts(self):
        # sale.order.amount_invoiced is in the company currency with this addon; the wizard
        # shows amounts in the order currency, which the order lines still give.
        res = super()._compute_invoice_amounts()
        for wizard in self:
            wizard.amount_invoiced = sum(wizard.sale_order_ids._origin.order_line.mapped("amount_invoiced"))
        return res
