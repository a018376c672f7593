from odoo import _, models

from ..models.crm_loyalty_ledger import with_reason


class LoyaltyCardUpdateBalance(models.TransientModel):
    _inherit = "loyalty.card.update.balance"

    def action_update_card_point(self):
        # core writes its history line, then the balance: the ledger entry of that balance
        # change carries the same description
        return super(
            LoyaltyCardUpdateBalance, with_reason(self, self.description or _("Gift for customer"))
        ).action_update_card_point()
