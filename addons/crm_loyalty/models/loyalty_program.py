from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_loyalty_ledger import NO_RECONCILE, trusted

MAX_MONTHS = 120  # ten years
MAX_DAYS = 3650
MAX_POINT_VALUE = 1_000_000


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    crm_point_value = fields.Float(
        string="Point Value",
        digits="Product Price",
        default=0.0,
        help="What one point is worth to the customer, in the company currency: the liability "
        "reports value outstanding points with it.",
    )
    crm_points_outstanding = fields.Float(compute="_compute_crm_performance", string="Outstanding Points")
    crm_liability = fields.Float(compute="_compute_crm_performance", string="Liability")
    crm_redemption_rate = fields.Float(
        compute="_compute_crm_performance",
        string="Redemption Rate (%)",
        help="Points spent on rewards out of points earned.",
    )
    crm_member_repeat_rate = fields.Float(
        compute="_compute_crm_performance",
        string="Members Buying Again (%)",
        help="Share of the program's members with two confirmed orders or more.",
    )
    crm_other_repeat_rate = fields.Float(
        compute="_compute_crm_performance",
        string="Other Customers Buying Again (%)",
        help="The same share among customers of the company who are not members: the "
        "difference is the program's effect on repeat purchase.",
    )
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
    expiry_mail_template_id = fields.Many2one(
        "mail.template",
        string="Expiry Warning Email",
        domain=[("model", "=", "loyalty.card")],
        default=lambda self: self.env.ref(
            "crm_loyalty.mail_template_points_expiring", raise_if_not_found=False
        ),
        help="Sent once per award, 'Warn Before Expiry' days before its points expire.",
    )
    tier_ids = fields.One2many("crm.loyalty.tier", "program_id", string="Tiers")
    tier_mail_template_id = fields.Many2one(
        "mail.template",
        string="Tier Change Email",
        domain=[("model", "=", "loyalty.card")],
        help="Sent to the customer when his tier changes.",
    )

    @api.constrains(
        "points_validity_months",
        "qualifying_window_months",
        "tier_grace_days",
        "expiry_warning_days",
        "crm_point_value",
    )
    def _check_crm_loyalty_durations(self):
        # bounded: dates and intervals far beyond these overflow in Python and PostgreSQL and
        # would break every order confirmation and tier review of the program
        for program in self:
            if not 0 <= program.points_validity_months <= MAX_MONTHS:
                raise ValidationError(
                    _("The validity of points must be between 0 and %s months.", MAX_MONTHS)
                )
            if not 1 <= program.qualifying_window_months <= MAX_MONTHS:
                raise ValidationError(_("The qualifying window must be between 1 and %s months.", MAX_MONTHS))
            if not 0 <= program.tier_grace_days <= MAX_DAYS:
                raise ValidationError(_("The downgrade grace must be between 0 and %s days.", MAX_DAYS))
            if not 0 <= program.expiry_warning_days <= MAX_DAYS:
                raise ValidationError(_("The expiry warning must be between 0 and %s days.", MAX_DAYS))
            if not 0 <= program.crm_point_value <= MAX_POINT_VALUE:
                raise ValidationError(_("The value of a point must be between 0 and %s.", MAX_POINT_VALUE))

    def _crm_award_points(self, awards):
        """Bonus points of this program, [(customer, points, origin record, description)]: the
        customers' cards (created when missing) are locked, each award is a ledger entry
        pointing at its origin, the balances follow and the tiers are reviewed. The one path of every bonus
        award (purchase-triggered rewards, glue addons); the callers decide who is due what."""
        self.ensure_one()
        if not awards:
            return self.env["crm.loyalty.ledger"]
        Card = self.env["loyalty.card"].sudo()
        partners = self.env["res.partner"].union(*(partner for partner, *_rest in awards))
        existing = {
            card.partner_id: card
            for card in Card.search([("program_id", "=", self.id), ("partner_id", "in", partners.ids)])
        }
        missing = partners.filtered(lambda p: p not in existing)
        for card in Card.create([{"program_id": self.id, "partner_id": p.id} for p in missing]):
            existing[card.partner_id] = card
        cards = Card.union(*existing.values())
        cards._crm_lock()
        entries = trusted(self.env["crm.loyalty.ledger"]).create(
            [
                {
                    "card_id": existing[partner].id,
                    "description": description,
                    "issued": points,
                    "entry_type": "earn",
                    "order_model": origin._name,
                    "order_id": origin.id,
                }
                for partner, points, origin, description in awards
            ]
        )
        added = defaultdict(float)
        for partner, points, *_rest in awards:
            added[existing[partner]] += points
        for card, points in added.items():
            trusted(card, NO_RECONCILE).points += points
        cards.filtered("program_id.tier_ids")._crm_update_tiers()
        return entries

    def _compute_crm_performance(self):
        """Figures of the program's 'Performance' tab: two grouped queries for all programs."""
        self.env["crm.loyalty.ledger"].flush_model()
        self.env["loyalty.card"].flush_model()
        self.env["sale.order"].flush_model(["state", "partner_id", "company_id"])
        ids = [pid for pid in self.ids if isinstance(pid, int)]
        ledger, repeat = {}, {}
        if ids:
            self.env.cr.execute(
                """
                SELECT c.program_id,
                       SUM(COALESCE(h.issued, 0) - COALESCE(h.used, 0)),
                       SUM(h.issued) FILTER (WHERE h.entry_type = 'earn'),
                       SUM(h.used) FILTER (WHERE h.entry_type = 'use')
                  FROM crm_loyalty_ledger h JOIN loyalty_card c ON c.id = h.card_id
                 WHERE c.program_id = ANY(%s)
              GROUP BY c.program_id
                """,
                [ids],
            )
            ledger = {row[0]: row[1:] for row in self.env.cr.fetchall()}
            self.env.cr.execute(
                """
                WITH buyers AS (
                    SELECT p.commercial_partner_id AS partner_id, so.company_id, COUNT(*) AS orders
                      FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                     WHERE so.state = 'sale'
                  GROUP BY p.commercial_partner_id, so.company_id
                ), members AS (
                    SELECT DISTINCT c.program_id, p.commercial_partner_id AS partner_id
                      FROM loyalty_card c JOIN res_partner p ON p.id = c.partner_id
                     WHERE c.program_id = ANY(%s)
                )
                SELECT prog.id,
                       COUNT(*) FILTER (WHERE m.partner_id IS NOT NULL),
                       COUNT(*) FILTER (WHERE m.partner_id IS NOT NULL AND b.orders >= 2),
                       COUNT(*) FILTER (WHERE m.partner_id IS NULL),
                       COUNT(*) FILTER (WHERE m.partner_id IS NULL AND b.orders >= 2)
                  FROM loyalty_program prog
                  JOIN buyers b ON prog.company_id IS NULL OR b.company_id = prog.company_id
             LEFT JOIN members m ON m.program_id = prog.id AND m.partner_id = b.partner_id
                 WHERE prog.id = ANY(%s)
              GROUP BY prog.id
                """,
                [ids, ids],
            )
            repeat = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for program in self:
            outstanding, earned, spent = ledger.get(program.id, (0.0, 0.0, 0.0))
            members, members_again, others, others_again = repeat.get(program.id, (0, 0, 0, 0))
            program.crm_points_outstanding = outstanding or 0.0
            program.crm_liability = (outstanding or 0.0) * program.crm_point_value
            program.crm_redemption_rate = 100.0 * (spent or 0.0) / earned if earned else 0.0
            program.crm_member_repeat_rate = 100.0 * members_again / members if members else 0.0
            program.crm_other_repeat_rate = 100.0 * others_again / others if others else 0.0
