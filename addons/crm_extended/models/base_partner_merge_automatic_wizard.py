from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_foreign_keys(self, src_partners, dst_partner):
        # core moves the orders and invoices with SQL: the kept customer's 360 figures follow
        result = super()._update_foreign_keys(src_partners, dst_partner)
        self.env["res.partner"]._crm_queue_customer_360(dst_partner.commercial_partner_id.ids)
        return result
