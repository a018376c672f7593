from collections import defaultdict

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_is_zero

from ..hooks import DEMO_STORY_PREFIX
from .crm_loyalty_ledger import NO_RECONCILE, given_reason, is_trusted, trusted

# above this many cards, _crm_update_tiers uses the set-based review statement
TIER_UPDATE_SQL_FROM = 50
# how long a flow waits for a card another transaction holds before giving up with a message
CARD_LOCK_TIMEOUT_MS = 5000


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
    crm_ledger_ids = fields.One2many("crm.loyalty.ledger", "card_id", string="Points Ledger", readonly=True)
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
            self.env["crm.loyalty.ledger"]
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
            self.env["crm.loyalty.ledger"]
            .sudo()
            .search([("card_id", "in", self.ids), ("remaining_points", ">", 0), ("expiry_date", "!=", False)])
        ):
            if row.expiry_date <= horizon[row.card_id.id]:
                soon[row.card_id.id] += row.remaining_points
        for card in self:
            card.next_expiry_date = first.get(card, False)
            card.expiring_points = soon.get(card.id, 0.0)

    def _crm_pending_total(self):
        """Points earned but held back until payment (programs that award when paid)."""
        self.ensure_one()
        held = (
            self.env["crm.loyalty.ledger"]
            .sudo()
            ._read_group(
                [("card_id", "=", self.id), "|", ("entry_type", "=", "pending"), ("crm_released", "=", True)],
                [],
                ["used:sum", "crm_pending_closed:sum"],
            )
        )
        used, closed = held[0] if held else (0.0, 0.0)
        return max((used or 0.0) - (closed or 0.0), 0.0)

    def _crm_tier_progress(self):
        """Percentage of the way from the current tier to the next one (100 at the top)."""
        self.ensure_one()
        if not self.next_tier_id:
            return 100
        start = self.tier_id.min_qualifying_points if self.tier_id else 0.0
        span = self.next_tier_id.min_qualifying_points - start
        return int(max(0.0, min(1.0, (self.qualifying_points - start) / span)) * 100) if span > 0 else 0

    # ------------------------------------------------------------------ ledger

    @api.model_create_multi
    def create(self, vals_list):
        cards = super().create(vals_list)
        if not is_trusted(self.env, NO_RECONCILE):
            cards._crm_reconcile_ledger(given_reason(self.env, _("Opening balance")))
        return cards

    def write(self, vals):
        result = super().write(vals)
        if "points" in vals and not is_trusted(self.env, NO_RECONCILE):
            self._crm_reconcile_ledger(given_reason(self.env, _("Balance change")))
        return result

    def _crm_ledger_balances(self):
        """{card id: issued - used} from the ledger, one grouped query."""
        self.env["crm.loyalty.ledger"].flush_model()
        if not self.ids:
            return {}
        self.env.cr.execute(
            "SELECT card_id, SUM(COALESCE(issued, 0) - COALESCE(used, 0)) FROM crm_loyalty_ledger "
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
            trusted(self.env["crm.loyalty.ledger"]).create(vals_list)

    def _crm_ledger_mismatches(self):
        """Cards whose balance differs from their ledger (should always be empty)."""
        balances = self._crm_ledger_balances()
        return self.filtered(
            lambda c: float_compare(c.points, balances.get(c.id, 0.0), precision_digits=4) != 0
        )

    def _crm_replay_ledger(self):
        """Recompute remaining_points of the awards: consumption (use, expiry, reversal,
        negative adjustment) takes the first-expiring points first."""
        Ledger = trusted(self.env["crm.loyalty.ledger"].sudo())
        for card in self:
            rows = Ledger.search([("card_id", "=", card.id)], order="date, id")
            remaining = {}
            for row in rows:
                if row.issued > 0:
                    remaining[row] = row.issued
                to_take = row.used or 0.0
                if to_take <= 0:
                    continue
                if row.entry_type == "pending":
                    # points held back until payment come out of the order's own award
                    candidates = [
                        r
                        for r in remaining
                        if r.order_model == row.order_model
                        and r.order_id == row.order_id
                        and not r.crm_released
                    ]
                elif row.entry_type == "expire" and row.description and row.expiry_date:
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
        """Lock the cards' rows until the end of the transaction. A card held by another
        transaction (an order spending its points, a payment releasing them) is waited for,
        a few seconds at most: a payment or a credit note must not fail because a card is
        busy for a moment. Only a card held longer ends with a clear message (no overdraw)."""
        if not self.ids:
            return
        try:
            with self.env.cr.savepoint(flush=False):
                # lock_timeout set for this statement only: rolled back with the savepoint on
                # failure, restored before the savepoint is released on success
                self.env.cr.execute("SELECT current_setting('lock_timeout')")
                previous = self.env.cr.fetchone()[0]
                self.env.cr.execute(
                    "SELECT set_config('lock_timeout', %s, true)", [f"{int(CARD_LOCK_TIMEOUT_MS)}ms"]
                )
                self.env.cr.execute("SELECT id FROM loyalty_card WHERE id = ANY(%s) FOR UPDATE", [self.ids])
                self.env.cr.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                _(
                    "The points of %(cards)s are being used by another order right now. "
                    "Please try again in a moment.",
                    cards=", ".join(self.sudo().mapped("display_name")),
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

    # ------------------------------------------------------------------ demo

    @api.model
    def _crm_demo_story(self, refs):
        """Demo data: customers who earned, saw points about to expire, were upgraded,
        redeemed and got a partial refund, so every screen (and the portal) has a story."""
        program_id, product_id, *partner_ids = refs
        program = self.env["loyalty.program"].browse(program_id)
        product = self.env["product.product"].browse(product_id)
        today = fields.Date.context_today(self)
        can_invoice = bool(self.env["account.journal"].search([("type", "=", "sale")], limit=1))

        def order(partner, qty, redeem=False):
            so = self.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})],
                }
            )
            so._update_programs_and_rewards()
            if redeem:
                card = self.search([("partner_id", "=", partner.id), ("program_id", "=", program.id)])
                so._apply_program_reward(program.reward_ids[:1], card)
            so.action_confirm()
            return so

        partners = self.env["res.partner"].browse(partner_ids).exists()
        cards_before = self.search([("partner_id", "in", partners.ids)])
        documents = []  # orders, invoices, credit notes and cards, each one record
        for partner in partners:
            first = order(partner, 10)
            documents.append(first)
            # bought nearly a year ago: what is left of those points (the redemption and the
            # refund take the first-expiring points first) expires within the warning window
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE crm_loyalty_ledger SET date = %s, expiry_date = %s "
                "WHERE order_model = 'sale.order' AND order_id = %s AND issued > 0",
                [today - relativedelta(days=345), today + relativedelta(days=20), first.id],
            )
            self.env["crm.loyalty.ledger"].invalidate_model()
            big = order(partner, 20 if partner.id == partner_ids[0] else 70)  # Silver, or Gold
            documents += [big, order(partner, 2, redeem=True)]
            if can_invoice:
                invoice = big._create_invoices()
                invoice.action_post()
                refund = invoice._reverse_moves()
                refund.invoice_line_ids.filtered(lambda line: line.product_id == product).quantity = 2
                refund.action_post()
                documents += [invoice, refund]
        # the story's documents and cards under XML ids of this addon: its uninstall removes
        # exactly those (and never a user's document that merely uses a demo product)
        documents += self.search([("partner_id", "in", partners.ids)]) - cards_before
        self.env["ir.model.data"]._update_xmlids(
            [
                {
                    "xml_id": f"crm_loyalty.{DEMO_STORY_PREFIX}{record._table}_{record.id}",
                    "record": record,
                    "noupdate": True,
                }
                for record in documents
            ]
        )

    # ------------------------------------------------------------------ expiry

    @api.model
    def _cron_expire_points(self, today=None):
        """Expire due points set-based: the due awards' remaining points set to zero, one
        expiry row per card and the cards' balances lowered, in a few
        statements whatever the number of entries."""
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE crm_loyalty_due ON COMMIT DROP AS
                SELECT h.id, h.card_id, h.expiry_date, h.remaining_points AS points
                  FROM crm_loyalty_ledger h
                 WHERE h.remaining_points > 0 AND h.expiry_date IS NOT NULL AND h.expiry_date <= %(today)s
                """,
                today=today,
            )
        )
        if not cr.rowcount:
            cr.execute("DROP TABLE crm_loyalty_due")
            return {"expiry_rows": 0, "cards": 0}
        cr.execute("ANALYZE crm_loyalty_due")
        cr.execute(
            "UPDATE crm_loyalty_ledger h SET remaining_points = 0 FROM crm_loyalty_due d WHERE h.id = d.id"
        )
        # never more than the card holds: whatever the ledger says, an expiry cannot make a
        # balance negative (the expiry row records what was really taken)
        cr.execute(
            """
            CREATE TEMP TABLE crm_loyalty_due_card ON COMMIT DROP AS
            SELECT d.card_id, MAX(d.expiry_date) AS expiry_date,
                   LEAST(SUM(d.points), GREATEST(MAX(c.points), 0)) AS points
              FROM crm_loyalty_due d JOIN loyalty_card c ON c.id = d.card_id
          GROUP BY d.card_id
            """
        )
        cr.execute(
            SQL(
                """
                INSERT INTO crm_loyalty_ledger (card_id, description, issued, used, entry_type, date,
                                             expiry_date, remaining_points, partner_id, program_id,
                                             company_id, create_uid, write_uid, create_date, write_date)
                SELECT d.card_id, %(label)s || to_char(d.expiry_date, 'YYYY-MM-DD'), 0, d.points,
                       'expire', %(today)s, d.expiry_date, 0, c.partner_id, c.program_id,
                       c.company_id, %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM crm_loyalty_due_card d JOIN loyalty_card c ON c.id = d.card_id
                 WHERE d.points > 0
                """,
                label=_("Points expired on "),
                today=today,
                uid=self.env.uid,
            )
        )
        expired_rows = cr.rowcount
        cr.execute(
            """
            UPDATE loyalty_card c SET points = c.points - d.points
              FROM crm_loyalty_due_card d WHERE c.id = d.card_id AND d.points > 0
            """
        )
        cards = cr.rowcount
        cr.execute("DROP TABLE crm_loyalty_due, crm_loyalty_due_card")
        self.env["crm.loyalty.ledger"].invalidate_model()
        self.invalidate_model(["points"])
        self.env["res.partner"].invalidate_model(["loyalty_points"])  # computed from the cards
        return {"expiry_rows": expired_rows, "cards": cards}

    @api.model
    def _cron_warn_expiry(self, today=None):
        """Mail the customers whose awards expire in exactly 'Warn Before Expiry' days (one
        grouped query finds them; a customer with several such awards gets one mail)."""
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT DISTINCT c.id
              FROM crm_loyalty_ledger h
              JOIN loyalty_card c ON c.id = h.card_id
              JOIN loyalty_program p ON p.id = c.program_id
             WHERE h.remaining_points > 0 AND h.expiry_date IS NOT NULL AND c.active
               AND p.expiry_warning_days > 0 AND p.expiry_mail_template_id IS NOT NULL
               AND c.partner_id IS NOT NULL
               AND h.expiry_date = %s::date + p.expiry_warning_days
            """,
            [today],
        )
        cards = self.browse(r[0] for r in self.env.cr.fetchall())
        for card in cards:
            card.program_id.expiry_mail_template_id.send_mail(card.id)
        return cards

    # ------------------------------------------------------------------ tiers

    def _crm_qualifying_points(self, today=None):
        """{card id: points earned in the program's qualifying window}, one grouped query."""
        if not self.ids:
            return {}
        today = today or fields.Date.context_today(self)
        self.env["crm.loyalty.ledger"].flush_model(["card_id", "entry_type", "issued", "used", "date"])
        self.flush_model(["program_id"])
        self.env["loyalty.program"].flush_model(["qualifying_window_months"])
        self.env.cr.execute(
            SQL(
                """
                SELECT h.card_id, SUM(CASE WHEN h.entry_type = 'pending' THEN -h.used ELSE h.issued END)
                  FROM crm_loyalty_ledger h
                  JOIN loyalty_card c ON c.id = h.card_id
                  JOIN loyalty_program p ON p.id = c.program_id
                 WHERE h.card_id = ANY(%(ids)s)
                   AND (h.entry_type IN ('earn', 'adjust') AND h.issued > 0 OR h.entry_type = 'pending')
                   AND h.date > %(today)s::date
                               - make_interval(months => COALESCE(NULLIF(p.qualifying_window_months, 0), 12))
              GROUP BY h.card_id
                """,
                ids=self.ids,
                today=today,
            )
        )
        return dict(self.env.cr.fetchall())

    def _crm_update_tiers(self, allow_downgrade=False, today=None):
        """Upgrades at once; downgrades only when allowed (the review cron) after the grace."""
        if not self.ids:
            return self.browse()
        if allow_downgrade or len(self) > TIER_UPDATE_SQL_FROM:
            return self._crm_review_tiers_sql(SQL("c.id = ANY(%s)", self.ids), allow_downgrade, today)
        return self._crm_update_tiers_few(today)

    def _crm_update_tiers_few(self, today=None):
        """The same decisions as the review statement (without downgrades) for the few cards of
        an order or an adjustment: one small grouped query instead of the review statement,
        whose planning alone would cost each order confirmation about a millisecond."""
        today = today or fields.Date.context_today(self)
        points = self._crm_qualifying_points(today)
        changed = {}
        for card in self:
            qualifying = points.get(card.id, 0.0)
            old = card.tier_id
            reached = card.program_id.tier_ids.filtered(lambda t, q=qualifying: t.min_qualifying_points <= q)
            target = max(reached, key=lambda t: t.min_qualifying_points) if reached else reached
            vals = {}
            if target and (not old or target.min_qualifying_points > old.min_qualifying_points):
                vals = {"tier_id": target.id, "tier_since": today, "tier_downgrade_date": False}
                changed[card.id] = old.id or None
            elif old and target != old:
                if not card.tier_downgrade_date:  # downgrades wait for the grace, then the cron
                    vals = {
                        "tier_downgrade_date": today + relativedelta(days=card.program_id.tier_grace_days)
                    }
            elif card.tier_downgrade_date:
                vals = {"tier_downgrade_date": False}
            if float_compare(card.qualifying_points, qualifying, precision_digits=4):
                vals["qualifying_points"] = qualifying
            if vals:
                # the chatter note of _crm_announce_tier_changes says it, not field tracking
                card.with_context(tracking_disable=True).write(vals)
        cards = self.browse(list(changed))
        if cards:
            cards._crm_announce_tier_changes(changed)
        return cards

    @api.model
    def _cron_review_tiers(self, today=None):
        """Nightly review of every card of a program with tiers: qualifying points, upgrades,
        downgrades after the grace period. Set-based: one UPDATE whatever the number of cards;
        only the cards whose tier changed get a chatter note (and the program's mail)."""
        return self._crm_review_tiers_sql(
            SQL("c.active AND EXISTS (SELECT 1 FROM crm_loyalty_tier t WHERE t.program_id = c.program_id)"),
            allow_downgrade=True,
            today=today,
        )

    def _crm_review_tiers_sql(self, where, allow_downgrade, today=None):
        today = today or fields.Date.context_today(self)
        # only what the statement reads: flushing everything in the middle of an order's
        # confirmation would make it pay for recomputations it does not need
        self.env["crm.loyalty.ledger"].flush_model(["card_id", "entry_type", "issued", "used", "date"])
        self.flush_model(["program_id", "tier_id", "tier_downgrade_date", "qualifying_points", "active"])
        self.env["crm.loyalty.tier"].flush_model(["program_id", "min_qualifying_points"])
        self.env["loyalty.program"].flush_model(["qualifying_window_months", "tier_grace_days"])
        self.env.cr.execute(
            SQL(
                """
                WITH q AS (
                    SELECT c.id, c.program_id, c.tier_id AS old_tier, c.tier_downgrade_date AS grace_end,
                           c.qualifying_points AS old_points, COALESCE(p.tier_grace_days, 0) AS grace_days,
                           COALESCE(SUM(CASE WHEN h.entry_type = 'pending' THEN -h.used ELSE h.issued END), 0)
                               AS points
                      FROM loyalty_card c
                      JOIN loyalty_program p ON p.id = c.program_id
                 LEFT JOIN crm_loyalty_ledger h
                        ON h.card_id = c.id
                       AND (h.entry_type IN ('earn', 'adjust') AND h.issued > 0 OR h.entry_type = 'pending')
                       AND h.date > %(today)s::date
                                    - make_interval(months => COALESCE(NULLIF(p.qualifying_window_months, 0), 12))
                     WHERE %(where)s
                  GROUP BY c.id, p.id
                ), m AS (
                    SELECT q.*, tgt.id AS target,
                           CASE
                               WHEN tgt.id IS NOT NULL
                                    AND (q.old_tier IS NULL OR tgt.min_qualifying_points > cur.min_qualifying_points)
                                   THEN 'up'
                               WHEN q.old_tier IS NOT NULL AND tgt.id IS DISTINCT FROM q.old_tier THEN
                                   CASE WHEN q.grace_end IS NULL THEN 'grace'
                                        WHEN %(downgrade)s AND q.grace_end <= %(today)s THEN 'down'
                                        ELSE 'wait' END
                               WHEN q.grace_end IS NOT NULL THEN 'clear'
                               ELSE 'none'
                           END AS move
                      FROM q
                 LEFT JOIN crm_loyalty_tier cur ON cur.id = q.old_tier
                 LEFT JOIN LATERAL (
                        SELECT t.id, t.min_qualifying_points FROM crm_loyalty_tier t
                         WHERE t.program_id = q.program_id AND t.min_qualifying_points <= q.points
                      ORDER BY t.min_qualifying_points DESC LIMIT 1
                    ) tgt ON TRUE
                )
                UPDATE loyalty_card c
                   SET qualifying_points = m.points,
                       tier_id = CASE WHEN m.move IN ('up', 'down') THEN m.target ELSE c.tier_id END,
                       tier_since = CASE WHEN m.move IN ('up', 'down') THEN %(today)s ELSE c.tier_since END,
                       tier_downgrade_date = CASE
                           WHEN m.move IN ('up', 'down', 'clear') THEN NULL
                           WHEN m.move = 'grace' THEN %(today)s::date + m.grace_days
                           ELSE c.tier_downgrade_date END
                  FROM m
                 WHERE c.id = m.id
                   AND (m.move NOT IN ('none', 'wait') OR c.qualifying_points IS DISTINCT FROM m.points)
             RETURNING c.id, m.old_tier, m.move
                """,
                today=today,
                where=where,
                downgrade=bool(allow_downgrade),
            )
        )
        rows = self.env.cr.fetchall()
        self.invalidate_model(["qualifying_points", "tier_id", "tier_since", "tier_downgrade_date"])
        changed = {card_id: old for card_id, old, move in rows if move in ("up", "down")}
        cards = self.browse(list(changed))
        if cards:
            # stored fields that depend on the tier (partner's tier) follow the SQL update
            self.env.add_to_compute(self.env["res.partner"]._fields["loyalty_tier_id"], cards.partner_id)
            self.env["res.partner"].flush_model(["loyalty_tier_id"])
            cards._crm_announce_tier_changes(changed)
        return cards

    def _crm_announce_tier_changes(self, old_tiers):
        """Chatter note on each card whose tier changed, and the program's mail if any."""
        Tier = self.env["crm.loyalty.tier"]
        bodies = {}
        for card in self:
            old = Tier.browse(old_tiers.get(card.id))
            bodies[card.id] = _(
                "Tier changed from %(old)s to %(new)s (%(points)s qualifying points).",
                old=old.name or _("none"),
                new=card.tier_id.name or _("none"),
                points=card.qualifying_points,
            )
        self._message_log_batch(bodies=bodies)
        for card in self:
            template = card.program_id.tier_mail_template_id
            if template and card.partner_id.email:
                template.send_mail(card.id)
