"""Each loyalty rule has one definition serving one card and many (issue 12, item 2), and the
balances and tiers written by SQL leave a trace in the chatter (item 6). These tests build the
cases where the former second copies decided differently."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestOneRule(LoyaltyCase):
    def remaining(self, card):
        awards = card.crm_ledger_ids.filtered(lambda e: e.issued > 0).sorted("id")
        return [(e.id, e.remaining_points) for e in awards]

    def test_tier_decision_is_the_same_for_an_order_and_the_review(self):
        """An order's card and the nightly review of many cards (more than the former switch
        to SQL at 50) reach the same tier from the same points."""
        self.order(150)  # an order checks its one card
        card = self.card()
        self.assertEqual((card.tier_id, card.qualifying_points), (self.silver, 150))
        partners = self.env["res.partner"].create([{"name": f"Member {i}"} for i in range(60)])
        many = self.env["loyalty.card"].create(
            [{"program_id": self.program.id, "partner_id": p.id, "points": 150} for p in partners]
        )
        many._crm_update_tiers()
        self.assertEqual(set(many.mapped("tier_id")), {self.silver})
        self.assertEqual(set(many.mapped("qualifying_points")), {150})
        (many | card)._crm_update_tiers(allow_downgrade=True)
        self.assertEqual((many | card).tier_id, self.silver, "the review agrees")

    def test_qualifying_window_boundary_is_the_same_for_one_card_and_many(self):
        """An award dated exactly one window ago no longer qualifies, a day later it does; for
        the cards of an order and for the review alike."""
        partners = self.env["res.partner"].create([{"name": f"Window {i}"} for i in range(3)])
        cards = self.env["loyalty.card"].create(
            [{"program_id": self.program.id, "partner_id": p.id, "points": 120} for p in partners]
        )
        today = fields.Date.context_today(self.env["loyalty.card"])
        start = today - relativedelta(months=12)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_loyalty_ledger SET date = CASE card_id WHEN %s THEN %s::date ELSE %s::date END "
            "WHERE card_id = ANY(%s)",
            [cards[0].id, start, start + timedelta(days=1), cards.ids],
        )
        self.env["crm.loyalty.ledger"].invalidate_model()
        cards[:2]._crm_update_tiers(today=today)
        self.assertEqual(cards[0].qualifying_points, 0, "out of the window on its first day")
        self.assertEqual(cards[1].qualifying_points, 120)
        self.env["loyalty.card"]._cron_review_tiers(today=today)
        self.assertEqual(cards.mapped("qualifying_points"), [0, 120, 120])

    def test_replaying_the_ledger_gives_what_the_flows_gave(self):
        """Consumption is first-expiring-first in one place: the remaining points the flows
        left (adjustments, the expiry cron) are exactly what a replay of the ledger computes,
        with an award that never expires and an expiry dated after a later use."""
        Card = self.env["loyalty.card"]
        card = Card.create({"program_id": self.program.id, "partner_id": self.customer.id, "points": 100})
        self.program.points_validity_months = 0
        card.points = 150  # never expires
        self.program.points_validity_months = 6
        card.points = 230  # expires first
        card.points = 200  # taken from the award expiring first
        first, never, soon = card.crm_ledger_ids.filtered(lambda e: e.issued > 0).sorted("id")
        self.assertEqual(
            (first.remaining_points, never.remaining_points, soon.remaining_points), (100, 50, 50)
        )
        Card._cron_expire_points(today=soon.expiry_date)
        self.assertEqual((card.points, soon.remaining_points), (150, 0))
        card.points = 140
        self.assertEqual((first.remaining_points, never.remaining_points), (90, 50))
        flows = self.remaining(card)
        card._crm_replay_ledger()
        self.env.invalidate_all()
        self.assertEqual(self.remaining(card), flows)
        self.assert_ledger_consistent(card)

    def test_sql_writes_of_points_and_tiers_leave_a_trace(self):
        """The balance and the tier are tracked fields: the expiry cron and the tier review
        write them by SQL and note each change in the card's chatter, and no cache is stale."""
        self.order(150)
        card = self.card()
        award = card.crm_ledger_ids.filtered(lambda e: e.entry_type == "earn")
        partner_points = self.customer.loyalty_points  # in the cache
        shown = card.points_display
        Card = self.env["loyalty.card"]
        Card._cron_expire_points(today=award.expiry_date)
        self.assertEqual(card.points, 0)
        self.assertNotEqual(card.points_display, shown)
        loyalty_cards = self.customer.crm_loyalty_card_ids.filtered(
            lambda c: c.program_id.program_type == "loyalty"
        )
        self.assertEqual(self.customer.loyalty_points, sum(loyalty_cards.mapped("points")))
        self.assertLessEqual(
            self.customer.loyalty_points, partner_points - 150, "the partner's figure is not stale"
        )
        note = card.message_ids.filtered(lambda m: "expired" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("150", note.body)
        # an internal note by the user who ran the cron, as core's _message_log_batch writes it
        self.assertEqual(
            (note.message_type, note.subtype_id, note.author_id, note.is_internal),
            ("notification", self.env.ref("mail.mt_note"), self.env.user.partner_id, True),
        )
        self.assertIn("0.0", note.body)
        # the award left the window: the review downgrades after the grace and says so
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_loyalty_ledger SET date = date - 400 WHERE card_id = %s", [card.id])
        self.env["crm.loyalty.ledger"].invalidate_model()
        Card._cron_review_tiers()
        card.tier_downgrade_date = fields.Date.context_today(card) - timedelta(days=1)
        Card._cron_review_tiers()
        self.assertFalse(card.tier_id)
        self.assertFalse(self.customer.loyalty_tier_id, "the partner's stored tier follows")
        self.assertIn("Silver", card.message_ids[0].body)
