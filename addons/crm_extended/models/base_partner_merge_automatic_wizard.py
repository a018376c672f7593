from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_foreign_keys(self, src_partners, dst_partner):
        # Core moves the orders and invoices with SQL: the customers they leave and the one
        # they reach are refreshed at commit (the orders' stored commercial customer follows
        # through core's own write of the kept contact's parent).
        leaving = src_partners.commercial_partner_id.ids
        result = super()._update_foreign_keys(src_partners, dst_partner)
        self.env["res.partner"]._crm_queue_customer_360([*leaving, *dst_partner.commercial_partner_id.ids])
        return result
