from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError

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

# set by the suite's own code paths only, never taken from a caller's values
BOOKKEEPING_FIELDS = frozenset(
    {
        "remaining_points",
        "expiry_date",
        "entry_type",
        "date",
        "crm_reversed_order_id",
        "is_tier_bonus",
        "crm_released",
        "crm_pending_closed",
        "crm_reversed_points",
        # stored related fields: a value given at creation would be stored as is
        "partner_id",
        "program_id",
        "company_id",
    }
)
# the documents whose ledger rows the suite's flows read back (cancellation, credit notes,
# release on payment, trigger rewards): only those flows write rows that point at them
FLOW_ORDER_MODELS = frozenset({"sale.order", "account.move", "crm.loyalty.trigger.log"})


def trusted(records, *keys):
    """`records` in a context that marks our own code path (see _TRUSTED)."""
    return records.with_context(**dict.fromkeys(keys or (TRUSTED_LEDGER,), _TRUSTED))


def is_trusted(env, key=TRUSTED_LEDGER):
    return env.context.get(key) is _TRUSTED


class LoyaltyHistory(models.Model):
    """Core's loyalty.history is the ledger: one row per award, use, expiry, adjustment or
    reversal. Rows are only written by the system (order flows, crons, wizards)."""

    _inherit = "loyalty.history"
    _order = "id desc"

    card_id = fields.Many2one(index=True)
    # an order's rows are looked up when it is confirmed (tier bonus), cancelled (core) or
    # shown (core's loyalty summary): without an index each of those reads the whole ledger
    order_id = fields.Many2oneReference(index="btree_not_null")
    # otherwise few indexes: the expiry cron rewrites many rows at once, and every index slows it down
    entry_type = fields.Selection(ENTRY_TYPES, default="earn", required=True, readonly=True)
    date = fields.Date(default=fields.Date.context_today, required=True, readonly=True)
    expiry_date = fields.Date(readonly=True, help="When the points of this award expire.")
    remaining_points = fields.Float(
        readonly=True, help="Points of this award not used nor expired yet (first-expiring-first)."
    )
    partner_id = fields.Many2one(related="card_id.partner_id", store=True, index=True)
    program_id = fields.Many2one(related="card_id.program_id", store=True)
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
            "loyalty_history_crm_due_idx",
            self._table,
            ["expiry_date"],
            where="remaining_points > 0 AND expiry_date IS NOT NULL",
        )

    @api.model
    def _crm_check_caller_vals(self, vals_list):
        """A row created outside the suite's flows (a client, another module such as the point
        of sale) brings core's values only: the bookkeeping is the ledger's own."""
        for vals in vals_list:
            forbidden = set(BOOKKEEPING_FIELDS.intersection(vals))
            if vals.get("order_model") in FLOW_ORDER_MODELS:
                forbidden.add("order_model")
            if forbidden:
                raise AccessError(
                    _(
                        "Only the loyalty flows set %(fields)s of a points ledger entry.",
                        fields=", ".join(sorted(forbidden)),
                    )
                )
            if (vals.get("issued") or 0.0) < 0 or (vals.get("used") or 0.0) < 0:
                raise ValidationError(_("Points issued or used by a ledger entry cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        is_flow = is_trusted(self.env)
        if not is_flow:
            # as the caller, before the sudo() below: no access, no ledger row
            self.check_access("create")
            if not self.env.su:
                # a row outside the suite's flows states points given or taken by hand (core's
                # balance update wizard): a manager's act, as the adjustment wizard is
                if not self.env.user.has_group("crm_loyalty.group_crm_loyalty_manager"):
                    raise AccessError(
                        _(
                            "Points ledger entries are written by orders and the loyalty flows; "
                            "only a Loyalty Manager records points by hand."
                        )
                    )
                self._crm_check_caller_vals(vals_list)
        split = []
        for vals in vals_list:
            if not is_flow:
                vals = {key: value for key, value in vals.items() if key not in BOOKKEEPING_FIELDS}
            issued, used = vals.get("issued") or 0.0, vals.get("used") or 0.0
            entry_type = vals.get("entry_type")
            if issued and used and not entry_type:
                # core writes an order's award and use on one row: the ledger keeps two
                split.append(dict(vals, used=0.0, entry_type="earn"))
                split.append(dict(vals, issued=0.0, entry_type="use"))
            else:
                split.append(dict(vals, entry_type=entry_type or ("use" if used and not issued else "earn")))
        # awards carry their remaining points and expiry date from the start
        cards = (
            self.env["loyalty.card"].sudo().browse({vals["card_id"] for vals in split if vals.get("card_id")})
        )
        if not is_flow and not self.env.su:
            # the card must be one the caller may see (company rules)
            cards.with_env(self.env).check_access("read")
        validity = {card.id: card.program_id.points_validity_months for card in cards}
        today = fields.Date.context_today(self)
        for vals in split:
            if (vals.get("issued") or 0.0) > 0:
                vals.setdefault("remaining_points", vals["issued"])
                months = validity.get(vals.get("card_id"))
                if months and not vals.get("expiry_date"):
                    day = fields.Date.to_date(vals.get("date")) or today
                    vals["expiry_date"] = day + relativedelta(months=months)
        records = super(LoyaltyHistory, trusted(self.sudo())).create(split).with_env(self.env)
        consumers = records.filtered(lambda r: (r.used or 0.0) > 0)
        if consumers:
            consumers._crm_consume()
        return records

    def _crm_consume(self):
        """Take each consuming row's points from the awards with points left, first-expiring
        first (a 'pending' row from its own order's award, an expiry from the awards it expires).
        Incremental: reads only the open awards of the card, never its whole history."""
        History = trusted(self.sudo())
        for row in self.sudo().sorted("id"):
            domain = [("card_id", "=", row.card_id.id), ("remaining_points", ">", 0), ("id", "!=", row.id)]
            if row.entry_type == "pending":
                domain += [
                    ("order_model", "=", row.order_model),
                    ("order_id", "=", row.order_id),
                    ("crm_released", "=", False),
                ]
            elif row.entry_type == "expire" and row.expiry_date:
                domain += [("expiry_date", "<=", row.expiry_date)]
            to_take = row.used
            for award in History.search(domain, order="expiry_date, id"):
                take = min(award.remaining_points, to_take)
                award.remaining_points -= take
                to_take -= take
                if to_take <= 0:
                    break

    def write(self, vals):
        if not is_trusted(self.env) and not self.env.su:
            if set(vals) - {"description"} or not self.env.user.has_group(
                "crm_loyalty.group_crm_loyalty_manager"
            ):
                raise UserError(
                    _(
                        "Loyalty ledger entries cannot be changed; a Loyalty Manager records an adjustment instead."
                    )
                )
        return super().write(vals)

    def unlink(self):
        if not is_trusted(self.env) and not self.env.su:
            raise UserError(
                _(
                    "Loyalty ledger entries cannot be deleted; a Loyalty Manager records an adjustment instead."
                )
            )
        cards = self.card_id
        result = super().unlink()
        cards.exists()._crm_replay_ledger()
        return result
