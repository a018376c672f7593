from odoo import models

from ..models.loyalty_history import NO_RECONCILE, TRUSTED_LEDGER, trusted


class LoyaltyGenerateWizard(models.TransientModel):
    _inherit = "loyalty.generate.wizard"

    def generate_coupons(self):
        # core writes the coupons' own ledger row ("Gift For Customer") right after creating
        # them: no opening-balance row, or the points would be counted twice in the ledger
        return super(LoyaltyGenerateWizard, trusted(self, NO_RECONCILE, TRUSTED_LEDGER)).generate_coupons()
