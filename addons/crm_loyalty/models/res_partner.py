from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_loyalty_card_ids = fields.One2many("loyalty.card", "partner_id", string="Loyalty Cards")
    loyalty_tier_id = fields.Many2one(
        "crm.loyalty.tier",
        string="Loyalty Tier",
        compute="_compute_loyalty_summary",
        store=True,
        index="btree_not_null",
        help="Best tier among the customer's loyalty cards.",
    )
    crm_birthday = fields.Date(
        string="Birthday", help="Optional: birthday rewards are sent on this day each year."
    )
    loyalty_points = fields.Float(
        compute="_compute_loyalty_summary",
        store=True,
        help="Spendable points on the customer's loyalty-program cards.",
    )

    @api.depends(
        "crm_loyalty_card_ids.points",
        "crm_loyalty_card_ids.tier_id",
        "crm_loyalty_card_ids.active",
        "crm_loyalty_card_ids.program_id.program_type",
    )
    def _compute_loyalty_summary(self):
        for partner in self:
            cards = partner.crm_loyalty_card_ids.filtered(
                lambda c: c.active and c.program_id.program_type == "loyalty"
            )
            partner.loyalty_points = sum(cards.mapped("points"))
            tiers = cards.tier_id.sorted("min_qualifying_points")
            partner.loyalty_tier_id = tiers[-1:]
