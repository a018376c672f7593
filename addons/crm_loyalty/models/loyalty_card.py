from collections import defaultdict

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_is_zero

from .loyalty_history import LEDGER_CONTEXT


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    tier_id = fields.Many2one("crm.loyalty.tier", string="Tier", readonly=True, index=True, tracking=True)
    tier_since = fields.Date(readonly=True)
    tier_downgrade_date = fields.Date(
        readonly=True, help="Set when the customer no longer qualifies: the tier review downgrades him then."
    )
    qualifying_points = fields.Float(
        readonly=True,
        help="Points earned in the program's qualifying window (updated on every award and nightly).",
    )
    next_tier_id = fields.Many2one("crm.loyalty.tier", compute="_compute_next_tier")
    points_to_next_tier = fields.Float(compute="_compute_next_tier")
    expiring_points = fields.Float(compute="_compute_expiring_points", string="Points Expiring Soon")
    next_expiry_date = fields.Date(compute="_compute_expiring_points")

    @api.depends("tier_id", "qualifying_points", "program_id.tier_ids.min_qualifying_points")
    def _compute_next_tier(self):
        for card in self:
            above = card.program_id.tier_ids.filtered(
                lambda t, card=card: t.min_qualifying_points > card.qualifying_points
            ).sorted("min_qualifying_points")
            card.next_tier_id = above[:1]
            card.points_to_next_tier = (
                above[:1].min_qualifying_points - card.qualifying_points if above else 0.0
            )

    def _compute_expiring_points(self):
        today = fields.Date.context_today(self)
        rows = (
            self.env["loyalty.history"]
            .sudo()
            ._read_group(
                [("card_id", "in", self.ids), ("remaining_points", ">", 0), ("expiry_date", "!=", False)],
                ["card_id"],
                ["expiry_date:min"],
            )
        )
        first = dict(rows)
        horizon = {}
        for card in self:
            days = card.program_id.expiry_warning_days or 30
            horizon[card.id] = today + relativedelta(days=days)
        soon = defaultdict(float)
        for row in (
            self.env["loyalty.history"]
            .sudo()
            .search([("card_id", "in", self.ids), ("remaining_points", ">", 0), ("expiry_date", "!=", False)])
        ):
            if row.expiry_date <= horizon[row.card_id.id]:
                soon[row.card_id.id] += row.remaining_points
        for card in self:
            card.next_expiry_date = first.get(card, False)
            card.expiring_points = soon.get(card.id, 0.0)

    # ------------------------------------------------------------------ ledger

    @api.model_create_multi
    def create(self, vals_list):
        cards = super().create(vals_list)
        cards._crm_reconcile_ledger(_("Opening balance"))
        return cards

    def write(self, vals):
        result = super().write(vals)
        if "points" in vals and not self.env.context.get("crm_loyalty_no_reconcile"):
            self._crm_reconcile_ledger(_("Balance change"))
        return result

    def _crm_ledger_balances(self):
        """{card id: issued - used} from the ledger, one grouped query."""
        self.env["loyalty.history"].flush_model()
        if not self.ids:
            return {}
        self.env.cr.execute(
            "SELECT card_id, SUM(COALESCE(issued, 0) - COALESCE(used, 0)) FROM loyalty_history "
            "WHERE card_id = ANY(%s) GROUP BY card_id",
            [self.ids],
        )
        return dict(self.env.cr.fetchall())

    def _crm_reconcile_ledger(self, reason):
        """Every change of a balance is a ledger row: a balance changed by a flow that wrote
        no row (gift card top-up, import, another module) gets an adjustment row."""
        balances = self._crm_ledger_balances()
        vals_list = []
        for card in self:
            delta = card.points - balances.get(card.id, 0.0)
            if float_is_zero(delta, precision_digits=4):
                continue
            vals_list.append(
                {
                    "card_id": card.id,
                    "description": reason,
                    "issued": max(delta, 0.0),
                    "used": max(-delta, 0.0),
                    "entry_type": "adjust",
                }
            )
        if vals_list:
            self.env["loyalty.history"].with_context(**{LEDGER_CONTEXT: True}).create(vals_list)

    def _crm_ledger_mismatches(self):
        """Cards whose balance differs from their ledger (should always be empty)."""
        balances = self._crm_ledger_balances()
        return self.filtered(
            lambda c: float_compare(c.points, balances.get(c.id, 0.0), precision_digits=4) != 0
        )

    def _crm_replay_ledger(self):
        """Recompute remaining_points of the awards: consumption (use, expiry, reversal,
        negative adjustment) takes the first-expiring points first."""
        History = self.env["loyalty.history"].sudo().with_context(**{LEDGER_CONTEXT: True})
        for card in self:
            rows = History.search([("card_id", "=", card.id)], order="date, id")
            remaining = {}
            for row in rows:
                if row.issued > 0:
                    remaining[row] = row.issued
                to_take = row.used or 0.0
                if to_take <= 0:
                    continue
                if row.entry_type == "expire" and row.description and row.expiry_date:
                    # an expiry consumes the awards it expires (same expiry date or earlier)
                    candidates = [r for r in remaining if r.expiry_date and r.expiry_date <= row.expiry_date]
                else:
                    candidates = list(remaining)
                candidates.sort(key=lambda r: (r.expiry_date or fields.Date.to_date("9999-12-31"), r.id))
                for award in candidates:
                    take = min(remaining[award], to_take)
                    remaining[award] -= take
                    to_take -= take
                    if to_take <= 0:
                        break
            for award, left in remaining.items():
                if float_compare(award.remaining_points, left, precision_digits=4):
                    award.write({"remaining_points": left})

    def _crm_lock(self):
        """Lock the cards' rows until the end of the transaction; a card being used by another
        transaction makes this one fail at once with a clear message (no overdraw, no wait)."""
        if not self.ids:
            return
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM loyalty_card WHERE id = ANY(%s) FOR UPDATE NOWAIT", [self.ids]
                )
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                _(
                    "The points of %(cards)s are being used by another order right now. "
                    "Please try again in a moment.",
                    cards=", ".join(self.mapped("display_name")),
                )
            ) from None
        self.invalidate_recordset(["points"])

    def action_crm_adjust_points(self):
        self.ensure_one()
        if not self.env.user.has_group("crm_loyalty.group_crm_loyalty_manager"):
            raise UserError(_("Only a Loyalty Manager can adjust points."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Adjust Points"),
            "res_model": "crm.loyalty.adjust.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_card_id": self.id},
        }

    # ------------------------------------------------------------------ expiry

    @api.model
    def _cron_expire_points(self, today=None):
        """Expire due points set-based: one expiry row per card and expiry date, the awards'
        remaining points set to zero and the balances lowered, in three statements."""
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE crm_loyalty_due ON COMMIT DROP AS
                SELECT h.card_id, h.expiry_date, SUM(h.remaining_points) AS points, array_agg(h.id) AS ids
                  FROM loyalty_history h
                 WHERE h.remaining_points > 0 AND h.expiry_date IS NOT NULL AND h.expiry_date <= %(today)s
              GROUP BY h.card_id, h.expiry_date
                """,
                today=today,
            )
        )
        cr.execute(
            """
            UPDATE loyalty_history h SET remaining_points = 0
              FROM crm_loyalty_due d WHERE h.id = ANY(d.ids)
            """
        )
        cr.execute(
            SQL(
                """
                INSERT INTO loyalty_history (card_id, description, issued, used, entry_type, date,
                                             expiry_date, remaining_points, partner_id, program_id,
                                             create_uid, write_uid, create_date, write_date)
                SELECT d.card_id, %(label)s || to_char(d.expiry_date, 'YYYY-MM-DD'), 0, d.points,
                       'expire', %(today)s, d.expiry_date, 0, c.partner_id, c.program_id,
                       %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM crm_loyalty_due d JOIN loyalty_card c ON c.id = d.card_id
                """,
                label=_("Points expired on "),
                today=today,
                uid=self.env.uid,
            )
        )
        expired_rows = cr.rowcount
        cr.execute(
            """
            UPDATE loyalty_card c SET points = c.points - s.points
              FROM (SELECT card_id, SUM(points) AS points FROM crm_loyalty_due GROUP BY card_id) s
             WHERE c.id = s.card_id
            """
        )
        cards = cr.rowcount
        cr.execute("DROP TABLE crm_loyalty_due")
        self.env["loyalty.history"].invalidate_model()
        self.invalidate_model(["points"])
        return {"expiry_rows": expired_rows, "cards": cards}

    # ------------------------------------------------------------------ tiers

    def _crm_qualifying_points(self, today=None):
        today = today or fields.Date.context_today(self)
        result = {}
        self.env["loyalty.history"].flush_model()
        by_window = defaultdict(list)
        for card in self:
            by_window[card.program_id.qualifying_window_months or 12].append(card.id)
        for months, ids in by_window.items():
            self.env.cr.execute(
                """SELECT card_id, SUM(issued) FROM loyalty_history
                    WHERE card_id = ANY(%s) AND entry_type IN ('earn', 'adjust') AND issued > 0 AND date > %s
                 GROUP BY card_id""",
                [ids, today - relativedelta(months=months)],
            )
            result.update(dict(self.env.cr.fetchall()))
        return result

    def _crm_update_tiers(self, allow_downgrade=False, today=None):
        """Upgrades at once; downgrades only when allowed (the review cron) after the grace."""
        today = today or fields.Date.context_today(self)
        qualifying = self._crm_qualifying_points(today)
        changes = []
        for card in self.filtered(lambda c: c.program_id.tier_ids):
            points = qualifying.get(card.id, 0.0)
            target = card.program_id.tier_ids.filtered(
                lambda t, p=points: t.min_qualifying_points <= p
            ).sorted("min_qualifying_points")[-1:]
            vals = {"qualifying_points": points}
            current = card.tier_id
            if target and (not current or target.min_qualifying_points > current.min_qualifying_points):
                vals.update(tier_id=target.id, tier_since=today, tier_downgrade_date=False)
            elif current and target != current:
                grace_end = card.tier_downgrade_date
                if not grace_end:
                    vals["tier_downgrade_date"] = today + relativedelta(days=card.program_id.tier_grace_days)
                elif allow_downgrade and grace_end <= today:
                    vals.update(tier_id=target.id, tier_since=today, tier_downgrade_date=False)
            elif card.tier_downgrade_date:
                vals["tier_downgrade_date"] = False
            old_tier = card.tier_id
            card.with_context(crm_loyalty_no_reconcile=True, tracking_disable=True).write(vals)
            if card.tier_id != old_tier:
                changes.append((card, old_tier))
        for card, old_tier in changes:
            card.message_post(
                body=_(
                    "Tier changed from %(old)s to %(new)s (%(points)s qualifying points).",
                    old=old_tier.name or _("none"),
                    new=card.tier_id.name or _("none"),
                    points=card.qualifying_points,
                ),
                subtype_xmlid="mail.mt_note",
            )
            template = card.program_id.tier_mail_template_id
            if template and card.partner_id.email:
                template.send_mail(card.id)
        return [c for c, _old in changes]

    @api.model
    def _cron_review_tiers(self):
        cards = self.search([("program_id.tier_ids", "!=", False), ("active", "=", True)])
        return cards._crm_update_tiers(allow_downgrade=True)
