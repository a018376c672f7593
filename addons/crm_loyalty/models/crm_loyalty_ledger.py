from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

ENTRY_TYPES = [
    ("earn", "Earned"),
    ("use", "Used"),
    ("expire", "Expired"),
    ("adjust", "Adjustment"),
    ("reversal", "Reversal"),
    ("pending", "Pending payment"),
]

# Put in the context by this module's own code, checked with `is`: JSON-RPC can carry any context
# key and value but never this object, so no client can claim to be one of our code paths.
_TRUSTED = object()
TRUSTED_LEDGER = "crm_loyalty_trusted_ledger"  # our code writes the ledger's bookkeeping
NO_RECONCILE = "crm_loyalty_trusted_no_reconcile"  # our code wrote the ledger rows of a balance change
MIRROR_HISTORY = "crm_loyalty_trusted_mirror_history"  # core writes an order's history lines: mirror them


def trusted(records, *keys):
    """`records` in a context that marks our own code path (see _TRUSTED)."""
    return records.with_context(**dict.fromkeys(keys or (TRUSTED_LEDGER,), _TRUSTED))


def is_trusted(env, key=TRUSTED_LEDGER):
    return env.context.get(key) is _TRUSTED


REASON = "crm_loyalty_ledger_reason"


class LedgerReason(str):
    """The description our code gives the ledger entry of a balance change made by core's
    flows (its balance update and coupon generation wizards). A context value of this class
    cannot come from a client: a JSON-RPC caller cannot label a ledger entry."""


def with_reason(records, text):
    return records.with_context(**{REASON: LedgerReason(text)})


def given_reason(env, default):
    reason = env.context.get(REASON)
    return str(reason) if isinstance(reason, LedgerReason) and reason else default


class CrmLoyaltyLedger(models.Model):
    """The points ledger: one entry per award, use, expiry, adjustment, reversal or payment
    hold, with its date, origin document and points. A card's balance is always the sum of its
    entries' `issued` minus `used`. Entries are written by the suite's flows only (order
    confirmation and cancellation, credit notes, payments, crons, the adjustment wizard) and
    by the reconciliation of any other balance change (core's wizards, a card created with
    points).

    Core's own `loyalty.history` is left as core writes it (one row per order, updated when
    the order changes, deleted when it is cancelled): an order's row is mirrored here by an
    award and a use entry pointing back at it (`history_id`)."""

    _name = "crm.loyalty.ledger"
    _description = "Loyalty Points Ledger"
    _order = "id desc"
    _rec_name = "description"

    card_id = fields.Many2one(
        "loyalty.card", string="Card", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="card_id.company_id", store=True, precompute=True)
    description = fields.Text(required=True)
    issued = fields.Float(readonly=True)
    used = fields.Float(readonly=True)
    order_model = fields.Char(readonly=True)
    # an order's entries are looked up when it is confirmed (tier bonus), paid, refunded or
    # cancelled: without an index each of those reads the whole ledger
    order_id = fields.Many2oneReference(
        model_field="order_model", string="Origin", readonly=True, index="btree_not_null"
    )
    history_id = fields.Many2one(
        "loyalty.history",
        string="Core Ledger Line",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
        help="The line of the card's history (core) this entry mirrors, for an order's points.",
    )
    # otherwise few indexes: the expiry cron rewrites many rows at once, and every index slows it down
    entry_type = fields.Selection(ENTRY_TYPES, default="earn", required=True, readonly=True)
    date = fields.Date(default=fields.Date.context_today, required=True, readonly=True)
    expiry_date = fields.Date(readonly=True, help="When the points of this award expire.")
    remaining_points = fields.Float(
        readonly=True, help="Points of this award not used nor expired yet (first-expiring-first)."
    )
    partner_id = fields.Many2one(related="card_id.partner_id", store=True, precompute=True, index=True)
    program_id = fields.Many2one(related="card_id.program_id", store=True, precompute=True)
    crm_reversed_order_id = fields.Many2one(
        "sale.order", string="Reversed Order", readonly=True, index="btree_not_null"
    )
    is_tier_bonus = fields.Boolean(
        string="Tier Bonus", readonly=True, help="Extra points of the customer's tier on an order's award."
    )
    crm_released = fields.Boolean(
        string="Released on Payment",
        readonly=True,
        help="Award of points that were pending until the order's invoices were paid.",
    )
    crm_pending_closed = fields.Float(
        string="Pending Points Closed", readonly=True, help="Pending points this release settles."
    )
    crm_reversed_points = fields.Float(
        readonly=True, help="Points the credit note should take back (more than 'used' when already spent)."
    )

    def init(self):
        # the expiry cron reads only the awards with points left
        tools.create_index(
            self.env.cr,
            "crm_loyalty_ledger_due_idx",
            self._table,
            ["expiry_date"],
            where="remaining_points > 0 AND expiry_date IS NOT NULL",
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not is_trusted(self.env):
            # no access right allows it either: this says why to whoever calls with sudo()
            raise AccessError(
                _(
                    "Points ledger entries are written by orders and the loyalty flows; "
                    "a Loyalty Manager changes a balance with 'Adjust Points'."
                )
            )
        split = []
        for vals in vals_list:
            issued, used = vals.get("issued") or 0.0, vals.get("used") or 0.0
            if issued < 0 or used < 0:
                raise ValidationError(_("Points issued or used by a ledger entry cannot be negative."))
            entry_type = vals.get("entry_type")
            if issued and used and not entry_type:
                # core's history line of an order carries its award and its use: two entries here
                split.append(dict(vals, used=0.0, entry_type="earn"))
                split.append(dict(vals, issued=0.0, entry_type="use"))
            else:
                split.append(dict(vals, entry_type=entry_type or ("use" if used and not issued else "earn")))
        # awards carry their remaining points and expiry date from the start
        cards = (
            self.env["loyalty.card"].sudo().browse({vals["card_id"] for vals in split if vals.get("card_id")})
        )
        validity = {card.id: card.program_id.points_validity_months for card in cards}
        today = fields.Date.context_today(self)
        for vals in split:
            if (vals.get("issued") or 0.0) > 0:
                vals.setdefault("remaining_points", vals["issued"])
                months = validity.get(vals.get("card_id"))
                if months and not vals.get("expiry_date"):
                    day = fields.Date.to_date(vals.get("date")) or today
                    vals["expiry_date"] = day + relativedelta(months=months)
        records = super(CrmLoyaltyLedger, trusted(self.sudo())).create(split).with_env(self.env)
        consumers = records.filtered(lambda r: (r.used or 0.0) > 0)
        if consumers:
            consumers._crm_consume()
        return records

    def _crm_consume(self):
        """The one definition of first-expiring-first: each consuming row (use, expiry,
        reversal, negative adjustment, payment hold) takes its points from the card's awards
        written before it that have points left, the first-expiring first (no expiry last,
        then oldest). A 'pending' row takes from its own order's award only; an expiry takes
        the awards it expires (expiring on its date or earlier) entirely, whatever they hold.

        One set-based statement per round: the rows of one card are applied one after the
        other (round n applies each card's n-th row), so an order's rows, the expiry cron's
        rows of thousands of cards and the replay of a card's whole ledger are the same
        statement."""
        if not self.ids:
            return
        self.flush_model(
            [
                "card_id",
                "entry_type",
                "used",
                "remaining_points",
                "expiry_date",
                "order_model",
                "order_id",
                "crm_released",
            ]
        )
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT MAX(n) FROM (
                    SELECT COUNT(*) AS n FROM crm_loyalty_ledger WHERE id = ANY(%(ids)s) GROUP BY card_id
                ) counts
                """,
                ids=self.ids,
            )
        )
        rounds = cr.fetchone()[0] or 0
        for current in range(1, rounds + 1):
            cr.execute(
                SQL(
                    """
                    WITH consumer AS (
                        SELECT * FROM (
                            SELECT l.id, l.card_id, l.entry_type, COALESCE(l.used, 0) AS need,
                                   l.order_model, l.order_id, l.expiry_date,
                                   row_number() OVER (PARTITION BY l.card_id ORDER BY l.id) AS n
                              FROM crm_loyalty_ledger l
                             WHERE l.id = ANY(%(ids)s)
                        ) ranked
                         WHERE n = %(round)s
                    ), candidate AS (
                        SELECT a.id, a.remaining_points AS left_points, c.entry_type, c.need,
                               SUM(a.remaining_points) OVER (
                                   PARTITION BY c.id ORDER BY a.expiry_date ASC NULLS LAST, a.id
                               ) AS running
                          FROM consumer c
                          JOIN crm_loyalty_ledger a
                            ON a.card_id = c.card_id AND a.id < c.id AND a.remaining_points > 0
                           AND (c.entry_type != 'pending'
                                OR (a.order_model = c.order_model AND a.order_id = c.order_id
                                    AND a.crm_released IS NOT TRUE))
                           AND (c.entry_type != 'expire' OR c.expiry_date IS NULL
                                OR a.expiry_date <= c.expiry_date)
                    ), taken AS (
                        SELECT id, CASE WHEN entry_type = 'expire' THEN left_points
                                        ELSE LEAST(left_points, GREATEST(need - (running - left_points), 0))
                                   END AS take
                          FROM candidate
                    )
                    UPDATE crm_loyalty_ledger a
                       SET remaining_points = a.remaining_points - taken.take
                      FROM taken
                     WHERE a.id = taken.id AND taken.take > 0
                    """,
                    ids=self.ids,
                    round=current,
                )
            )
        self.invalidate_model(["remaining_points"])

    @api.model
    def _crm_held_points(self, domain, groupby):
        """The one definition of the points held back until payment, for a card (portal) or
        an order (payment, credit note, cancellation): what the 'pending' entries took less
        what the releases settled, {tuple of the `groupby` values: points}."""
        result = defaultdict(float)
        for *key, used, closed in self.sudo()._read_group(
            expression.AND([domain, ["|", ("entry_type", "=", "pending"), ("crm_released", "=", True)]]),
            groupby,
            ["used:sum", "crm_pending_closed:sum"],
        ):
            result[tuple(key)] += (used or 0.0) - (closed or 0.0)
        return result

    def write(self, vals):
        if not is_trusted(self.env) and (
            set(vals) - {"description"}
            or not (self.env.su or self.env.user.has_group("crm_loyalty.group_crm_loyalty_manager"))
        ):
            raise UserError(
                _(
                    "Loyalty ledger entries cannot be changed; a Loyalty Manager records an adjustment instead."
                )
            )
        return super().write(vals)

    def unlink(self):
        if not is_trusted(self.env):
            raise UserError(
                _(
                    "Loyalty ledger entries cannot be deleted; a Loyalty Manager records an adjustment instead."
                )
            )
        cards = self.card_id
        result = super().unlink()
        cards.exists()._crm_replay_ledger()
        return result

    def _get_order_description(self):
        self.ensure_one()
        if not self.order_model or self.order_model not in self.env:
            return ""
        return self.env[self.order_model].browse(self.order_id).exists().display_name or ""
