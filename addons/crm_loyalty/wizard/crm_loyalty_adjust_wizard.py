from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..models.crm_loyalty_ledger import NO_RECONCILE, trusted

MAX_ADJUSTMENT = 1_000_000_000


class CrmLoyaltyAdjustWizard(models.TransientModel):
    _name = "crm.loyalty.adjust.wizard"
    _description = "Loyalty Points Adjustment"

    card_id = fields.Many2one("loyalty.card", required=True)
    current_points = fields.Float(related="card_id.points", string="Current Balance")
    points = fields.Float(required=True, help="Points to add (positive) or take away (negative).")
    reason = fields.Char(required=True)

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group("crm_loyalty.group_crm_loyalty_manager"):
            raise UserError(_("Only a Loyalty Manager can adjust points."))
        if not self.points:
            raise UserError(_("Enter the number of points to add or take away."))
        if abs(self.points) > MAX_ADJUSTMENT:
            raise UserError(_("An adjustment cannot exceed %s points.", MAX_ADJUSTMENT))
        # as the caller, before the sudo() below: a card of a company he does not work in is refused
        self.card_id.check_access("write")
        card = self.card_id.sudo()
        card._crm_lock()
        if float_compare(card.points + self.points, 0.0, precision_digits=4) < 0:
            raise UserError(
                _(
                    "This adjustment would leave %(card)s with %(points)s points: a balance cannot go below zero.",
                    card=card.display_name,
                    points=card.points + self.points,
                )
            )
        description = _("Adjustment by %(user)s: %(reason)s", user=self.env.user.name, reason=self.reason)
        values = {
            "card_id": card.id,
            "description": description,
            "issued": max(self.points, 0.0),
            "used": max(-self.points, 0.0),
        }
        # the card's history (core) shows it as core's own balance update does
        line = self.env["loyalty.history"].sudo().create(values)
        trusted(self.env["crm.loyalty.ledger"]).create(dict(values, entry_type="adjust", history_id=line.id))
        trusted(card, NO_RECONCILE).points += self.points
        if self.points > 0:
            card._crm_update_tiers()
        return {"type": "ir.actions.act_window_close"}
