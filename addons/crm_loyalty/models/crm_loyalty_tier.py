from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

MAX_MULTIPLIER = 100
MAX_POINTS = 1_000_000_000


class CrmLoyaltyTier(models.Model):
    _name = "crm.loyalty.tier"
    _description = "Loyalty Tier"
    _order = "program_id, min_qualifying_points, sequence, id"

    program_id = fields.Many2one("loyalty.program", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    min_qualifying_points = fields.Float(
        required=True, help="Qualifying points (earned in the program's window) needed for this tier."
    )
    earn_multiplier = fields.Float(
        default=1.0, help="Points earned by members of this tier are multiplied by this factor."
    )
    reward_ids = fields.Many2many(
        "loyalty.reward",
        string="Benefit Rewards",
        domain="[('program_id', '=', program_id)]",
        help="Rewards reserved for this tier and the ones above.",
    )
    color = fields.Integer()
    card_count = fields.Integer(compute="_compute_card_count", string="Members")

    @api.constrains("min_qualifying_points", "earn_multiplier", "program_id")
    def _check_thresholds(self):
        for tier in self:
            if not 0 < tier.earn_multiplier <= MAX_MULTIPLIER:
                raise ValidationError(
                    _(
                        "Tier %(tier)s: the earn multiplier must be greater than zero and at most %(max)s.",
                        tier=tier.name,
                        max=MAX_MULTIPLIER,
                    )
                )
            if not 0 <= tier.min_qualifying_points <= MAX_POINTS:
                raise ValidationError(
                    _(
                        "Tier %(tier)s: the qualifying threshold must be between 0 and %(max)s points.",
                        tier=tier.name,
                        max=MAX_POINTS,
                    )
                )
            same = tier.program_id.tier_ids.filtered(
                lambda t, tier=tier: t != tier and t.min_qualifying_points == tier.min_qualifying_points
            )
            if same:
                raise ValidationError(
                    _(
                        "Tiers %(a)s and %(b)s of %(program)s have the same threshold: each tier needs "
                        "its own number of qualifying points.",
                        a=tier.name,
                        b=same[0].name,
                        program=tier.program_id.name,
                    )
                )

    def _compute_card_count(self):
        counts = dict(
            self.env["loyalty.card"]._read_group([("tier_id", "in", self.ids)], ["tier_id"], ["__count"])
        )
        for tier in self:
            tier.card_count = counts.get(tier, 0)
