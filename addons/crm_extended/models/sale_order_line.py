from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # an order's amounts change through its lines (stored computes), not through its own write()

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._crm_queue_360()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if {"product_uom_qty", "price_unit", "discount", "tax_id", "product_id"} & set(vals):
            self.order_id._crm_queue_360()
        return res

    def unlink(self):
        self.order_id._crm_queue_360()
        return super().unlink()
