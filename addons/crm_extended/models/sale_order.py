from odoo import api, models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "crm.segment.mirror.mixin"]

    def _crm_360_partners(self):
        return set(self.partner_id.commercial_partner_id.ids)

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        self.env["res.partner"]._refresh_customer_360(orders._crm_360_partners())
        return orders

    def write(self, vals):
        before = self._crm_360_partners() if "partner_id" in vals else set()
        res = super().write(vals)
        if {"state", "partner_id", "date_order", "amount_untaxed"} & set(vals):
            self.env["res.partner"]._refresh_customer_360(before | self._crm_360_partners())
        return res

    def unlink(self):
        partners = self._crm_360_partners()
        res = super().unlink()
        self.env["res.partner"]._refresh_customer_360(partners)
        return res
