from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    points_validity_months = fields.Integer(
        string="Points Validity (months)",
        default=0,
        help="Points of each award expire after this many months (0: never). "
        "Points are used first-expiring-first.",
    )
    qualifying_window_months = fields.Integer(
        string="Qualifying Window (months)",
        default=12,
        help="Tiers are reached with the points earned in this rolling window "
        "(qualifying points), whatever was spent since.",
    )
    tier_grace_days = fields.Integer(
        string="Downgrade Grace (days)",
        default=30,
        help="A customer who no longer qualifies keeps his tier this many days; downgrades are "
        "applied by the tier review cron. Upgrades apply at once.",
    )
    earn_timing = fields.Selection(
        [("confirm", "On order confirmation"), ("paid", "When the invoice is paid")],
        default="confirm",
        required=True,
        help="Core behaviour awards points when the order is confirmed.",
    )
    expiry_warning_days = fields.Integer(
        string="Warn Before Expiry (days)",
        default=14,
        help="Customers with points expiring within this many days are warned (0: no warning).",
    )
    tier_ids = fields.One2many("crm.loyalty.tier", "program_id", string="Tiers")
    tier_mail_template_id = fields.Many2one(
        "mail.template",
        string="Tier Change Email",
        domain=[("model", "=", "loyalty.card")],
        help="Sent to the customer when his tier changes.",
    )

    @api.constrains(
        "points_validity_months", "qualifying_window_months", "tier_grace_days", "expiry_warning_days"
    )
    def _check_crm_loyalty_durations(self):
        for program in self:
            if program.points_validity_months < 0:
                raise ValidationError(_("The validity of points cannot be negative."))
            if program.qualifying_window_months <= 0:
                raise ValidationError(_("The qualifying window must be at least one month."))
            if program.tier_grace_days < 0 or program.expiry_warning_days < 0:
                raise ValidationError(_("Grace and warning periods cannot be negative."))
