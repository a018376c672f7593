from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _crm_refresh_360(self):
        customers = self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        if customers:
            self.env["res.partner"]._crm_queue_customer_360(customers.commercial_partner_id.ids)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._crm_refresh_360()
        return posted

    def button_draft(self):
        res = super().button_draft()
        self._crm_refresh_360()
        return res

    def button_cancel(self):
        res = super().button_cancel()
        self._crm_refresh_360()
        return res
