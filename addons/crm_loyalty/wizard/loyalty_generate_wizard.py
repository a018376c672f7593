from odoo import models


class LoyaltyGenerateWizard(models.TransientModel):
    _inherit = "loyalty.generate.wizard"

    def generate_coupons(self):
        # core writes the coupons' own ledger row ("Gift For Customer") right after creating
        # them: no opening-balance row, or the points would be counted twice in the ledger
        return super(
            LoyaltyGenerateWizard, self.with_context(crm_loyalty_no_reconcile=True)
        ).generate_coupons()
