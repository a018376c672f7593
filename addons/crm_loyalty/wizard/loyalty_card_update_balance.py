from odoo import _, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..models.crm_loyalty_ledger import NO_RECONCILE, trusted

# the largest change of a balance one adjustment may make
MAX_ADJUSTMENT = 1_000_000_000


class LoyaltyCardUpdateBalance(models.TransientModel):
    """Core's *Update Balance* is the one way to adjust a card's points by hand. It keeps
    core's flow (its history line, then the new balance) and adds what points owed to
    customers need: a Loyalty Manager's act, with a reason, on a card the caller may change,
    waited for when another order holds it, bounded, recorded in the points ledger and
    followed by the tier the new points reach."""

    _inherit = "loyalty.card.update.balance"

    def action_update_card_point(self):
        self.ensure_one()
        if not self.env.user.has_group("crm_loyalty.group_crm_loyalty_manager"):
            raise AccessError(_("Only a Loyalty Manager can adjust points."))
        if not (self.description or "").strip():
            raise UserError(_("Say why the balance changes: the reason is kept in the points ledger."))
        # as the caller, before anything runs as superuser: another company's card is refused
        self.card_id.check_access("write")
        card = self.card_id
        # fresh balance below (core computes the difference from it; it refuses a negative one)
        card.sudo()._crm_lock()
        self.invalidate_recordset(["old_balance"])
        difference = self.new_balance - card.points
        if abs(difference) > MAX_ADJUSTMENT:
            raise ValidationError(_("An adjustment cannot exceed %s points.", MAX_ADJUSTMENT))
        lines_before = card.sudo().history_ids
        # core writes its history line and the balance; the ledger entry is written here,
        # pointing at that line, so the balance change is not reconciled a second time
        result = super(LoyaltyCardUpdateBalance, trusted(self, NO_RECONCILE)).action_update_card_point()
        line = (card.sudo().history_ids - lines_before)[:1]
        trusted(self.env["crm.loyalty.ledger"]).create(
            {
                "card_id": card.id,
                "description": self.description,
                "issued": max(difference, 0.0),
                "used": max(-difference, 0.0),
                "entry_type": "adjust",
                "history_id": line.id,
            }
        )
        if difference > 0:
            card.sudo()._crm_update_tiers()
        return result
