from odoo import _, models

from ..models.crm_loyalty_ledger import with_reason


class LoyaltyGenerateWizard(models.TransientModel):
    _inherit = "loyalty.generate.wizard"

    def generate_coupons(self):
        # the cards are created with their points: their opening ledger entry says why
        return super(
            LoyaltyGenerateWizard, with_reason(self, self.description or _("Gift For Customer"))
        ).generate_coupons()
