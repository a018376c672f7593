from collections import defaultdict

import psycopg2
from dateutil.relativedelta import relativedelta
from markupsafe import escape

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare, float_is_zero
from odoo.tools.mail import generate_tracking_message_id

from .crm_loyalty_ledger import NO_RECONCILE, given_reason, is_trusted, trusted

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
        held = self.env["crm.loyalty.ledger"]._crm_held_points([("card_id", "=", self.id)], [])
        return max(held.get((), 0.0), 0.0)

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
        """Recompute remaining_points of the cards' awards after entries were removed (an
        order cancelled): every award starts full again and every consuming entry is applied
        again, in the order they were written, by the one first-expiring-first rule
        (`crm.loyalty.ledger._crm_consume`)."""
        if not self.ids:
            return
        Ledger = trusted(self.env["crm.loyalty.ledger"].sudo())
        Ledger.flush_model(["card_id", "issued", "remaining_points"])
        self.env.cr.execute(
            "UPDATE crm_loyalty_ledger SET remaining_points = issued "
            "WHERE card_id = ANY(%s) AND issued > 0 AND remaining_points IS DISTINCT FROM issued",
            [self.ids],
        )
        Ledger.invalidate_model(["remaining_points"])
        Ledger.search(
            [("card_id", "in", self.ids), "|", ("used", ">", 0), ("entry_type", "=", "expire")], order="id"
        )._crm_consume()

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

    def action_loyalty_update_balance(self):
        """Core's balance update is a Loyalty Manager's act (see the wizard)."""
        if not self.env.user.has_group("crm_loyalty.group_crm_loyalty_manager"):
            raise AccessError(_("Only a Loyalty Manager can adjust points."))
        return super().action_loyalty_update_balance()

    # ------------------------------------------------------------------ expiry

    @api.model
    def _cron_expire_points(self, today=None):
        """Points due on ``today`` expire (`_crm_expire_points`), every card at once, or as
        jobs by chunks of cards with crm_extended_queue_job."""
        today = today or fields.Date.context_today(self)
        return self.env["ir.cron"]._crm_run_heavy(
            self,
            "_crm_expire_points",
            "loyalty",
            chunks=("_crm_expiry_card_ids", "_crm_expire_points_chunk"),
            chunk_kwargs={"today": today},
            today=today,
        )

    @api.model
    def _crm_due_awards_sql(self, today):
        """The awards due to expire on ``today`` (alias ``h``): the one definition of the
        expiry run and of its parts."""
        return SQL("h.remaining_points > 0 AND h.expiry_date IS NOT NULL AND h.expiry_date <= %s", today)

    @api.model
    def _crm_expiry_card_ids(self, today):
        self.env["crm.loyalty.ledger"].flush_model(["card_id", "remaining_points", "expiry_date"])
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT h.card_id FROM crm_loyalty_ledger h WHERE %s ORDER BY h.card_id",
                self._crm_due_awards_sql(today),
            )
        )
        return [card_id for (card_id,) in self.env.cr.fetchall()]

    def _crm_expire_points_chunk(self, today):
        """A part of the expiry run: these cards (a job of crm_extended_queue_job). Run twice,
        the second run finds nothing due: the first consumed the awards. Running beside the
        orders of the day, it locks its cards (in id order) before reading their balances: a
        busy card is waited for, a deadlock is retried by queue_job."""
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM loyalty_card WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [self.ids]
            )
            self._crm_expire_points(today, card_ids=self.ids)

    @api.model
    def _crm_expire_points(self, today, card_ids=None):
        """Expire due points set-based, in a few statements whatever the number of entries:
        one expiry entry per card with due awards (never more than the card holds), the awards
        consumed by the one first-expiring-first rule (`crm.loyalty.ledger._crm_consume`), the
        balances lowered, and a note in each card's chatter (the balance is a tracked field).
        Every card, or the cards of ``card_ids``."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE crm_loyalty_due_card ON COMMIT DROP AS
                SELECT h.card_id, MAX(h.expiry_date) AS expiry_date,
                       LEAST(SUM(h.remaining_points), GREATEST(MAX(c.points), 0)) AS points
                  FROM crm_loyalty_ledger h JOIN loyalty_card c ON c.id = h.card_id
                 WHERE %(due)s AND (%(cards)s::int[] IS NULL OR h.card_id = ANY(%(cards)s))
              GROUP BY h.card_id
                """,
                due=self._crm_due_awards_sql(today),
                cards=card_ids,
            )
        )
        if not cr.rowcount:
            cr.execute("DROP TABLE crm_loyalty_due_card")
            return {"expiry_rows": 0, "cards": 0}
        cr.execute("ANALYZE crm_loyalty_due_card")
        # an entry even when the card holds nothing any more: the awards expire all the same
        # (the entry records what was really taken: never more than the balance)
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
             RETURNING id
                """,
                label=_("Points expired on "),
                today=today,
                uid=self.env.uid,
            )
        )
        entries = self.env["crm.loyalty.ledger"].browse(r[0] for r in cr.fetchall())
        expired_rows = len(entries)
        trusted(entries.sudo())._crm_consume()
        cr.execute(
            """
            UPDATE loyalty_card c SET points = c.points - d.points
              FROM crm_loyalty_due_card d WHERE c.id = d.card_id AND d.points > 0
         RETURNING c.id, d.points, c.points, d.expiry_date
            """
        )
        changes = cr.fetchall()
        cr.execute("DROP TABLE crm_loyalty_due_card")
        self.env["crm.loyalty.ledger"].invalidate_model()
        self.invalidate_model(["points", "points_display"])
        self.env["res.partner"].invalidate_model(["loyalty_points"])  # computed from the cards
        if changes:
            self.browse(row[0] for row in changes)._crm_log_notes(
                {
                    card_id: self.env._(
                        "%(points)s points expired on %(date)s: balance %(old)s → %(new)s.",
                        points=points,
                        date=expiry_date,
                        old=new + points,
                        new=new,
                    )
                    for card_id, points, new, expiry_date in changes
                }
            )
        return {"expiry_rows": expired_rows, "cards": len(changes)}

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

    def _crm_update_tiers(self, allow_downgrade=False, today=None):
        """Upgrades at once; downgrades only when allowed (the review cron) after the grace.
        The cards of an order or an adjustment go through the same statement as the nightly
        review (`_crm_review_tiers_sql`): one definition of the tier decision."""
        if not self.ids:
            return self.browse()
        return self._crm_review_tiers_sql(SQL("c.id = ANY(%s)", self.ids), allow_downgrade, today)

    @api.model
    def _cron_review_tiers(self, today=None):
        """Nightly review of every card of a program with tiers: qualifying points, upgrades,
        downgrades after the grace period. Set-based: one UPDATE whatever the number of cards;
        only the cards whose tier changed get a chatter note (and the program's mail)."""
        today = today or fields.Date.context_today(self)
        return self.env["ir.cron"]._crm_run_heavy(
            self,
            "_crm_review_all_tiers",
            "loyalty",
            chunks=("_crm_tier_review_card_ids", "_crm_review_tiers_chunk"),
            chunk_kwargs={"today": today},
            today=today,
        )

    @api.model
    def _crm_tier_review_where(self):
        """The cards the nightly review covers (alias ``c``)."""
        return SQL("c.active AND EXISTS (SELECT 1 FROM crm_loyalty_tier t WHERE t.program_id = c.program_id)")

    @api.model
    def _crm_review_all_tiers(self, today):
        return self._crm_review_tiers_sql(self._crm_tier_review_where(), allow_downgrade=True, today=today)

    @api.model
    def _crm_tier_review_card_ids(self, today):
        self.flush_model(["active", "program_id"])
        self.env["crm.loyalty.tier"].flush_model(["program_id"])
        self.env.cr.execute(
            SQL("SELECT c.id FROM loyalty_card c WHERE %s ORDER BY c.id", self._crm_tier_review_where())
        )
        return [card_id for (card_id,) in self.env.cr.fetchall()]

    def _crm_review_tiers_chunk(self, today):
        """A part of the nightly review: these cards (a job of crm_extended_queue_job). A job
        that waited past its day (a runner down, channels run out of order) reviews as of the
        day it runs, never earlier: yesterday's job must not undo today's downgrade."""
        today = max(fields.Date.to_date(today), fields.Date.context_today(self))
        if self.ids:
            self._crm_review_tiers_sql(
                SQL("c.id = ANY(%s) AND %s", self.ids, self._crm_tier_review_where()),
                allow_downgrade=True,
                today=today,
            )

    def _crm_review_tiers_sql(self, where, allow_downgrade, today=None):
        """The one definition of the tier decision and of the qualifying window, for the
        cards matching `where`: the points earned in the program's window (awards and
        positive adjustments, less what is held back until payment), the highest tier they
        reach (ties: the tier listed first), an upgrade at once, a grace period before a
        downgrade, the downgrade itself only when allowed (the nightly review). The few cards
        of an order and the whole base take the same statement; the changed cards get a
        chatter note (the tier is tracked; written here by SQL)."""
        today = today or fields.Date.context_today(self)
        # only what the statement reads: flushing everything in the middle of an order's
        # confirmation would make it pay for recomputations it does not need
        self.env["crm.loyalty.ledger"].flush_model(["card_id", "entry_type", "issued", "used", "date"])
        self.flush_model(["program_id", "tier_id", "tier_downgrade_date", "qualifying_points", "active"])
        self.env["crm.loyalty.tier"].flush_model(["program_id", "min_qualifying_points", "sequence"])
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
                      ORDER BY t.min_qualifying_points DESC, t.sequence, t.id LIMIT 1
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

    def _crm_log_notes(self, bodies):
        """A note in the chatter of each card, {card id: text}: what `_message_log_batch`
        writes (an internal note by the current user, no notification), in one INSERT, so
        that the crons can note a change on each of hundreds of thousands of cards."""
        if not bodies:
            return
        author = self.env.user.partner_id
        self.env["mail.message"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mail_message (model, res_id, body, message_type, subtype_id, is_internal,
                                          author_id, email_from, reply_to, message_id, date,
                                          email_add_signature, create_uid, write_uid, create_date, write_date)
                SELECT %(model)s, note.res_id, note.body, 'notification', %(subtype)s, TRUE,
                       %(author)s, %(email)s, %(email)s, %(message_id)s, now() at time zone 'UTC',
                       FALSE, %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM unnest(%(ids)s::int[], %(bodies)s::text[]) AS note(res_id, body)
                """,
                model=self._name,
                subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                author=author.id or None,
                email=author.email_formatted or None,
                message_id=generate_tracking_message_id("message-notify"),
                uid=self.env.uid,
                ids=list(bodies),
                bodies=[str(escape(body)) for body in bodies.values()],
            )
        )
        self.env["mail.message"].invalidate_model()
        self.invalidate_model(["message_ids"])

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
        self._crm_log_notes(bodies)
        for card in self:
            template = card.program_id.tier_mail_template_id
            if template and card.partner_id.email:
                template.send_mail(card.id)
