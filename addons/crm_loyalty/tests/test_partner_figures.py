from collections import deque

from odoo.tests import tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestPartnerFigures(LoyaltyCase):
    """The customer's stored loyalty tier follows every change of his cards and tiers."""

    def test_merge_brings_the_cards_tier(self):
        # core's merge moves the cards with SQL; the kept customer's tier follows them
        card = self.env["loyalty.card"].create(
            {"program_id": self.program.id, "partner_id": self.customer.id}
        )
        card.tier_id = self.gold
        self.assertEqual(self.customer.loyalty_tier_id, self.gold)
        kept = self.env["res.partner"].create({"name": "Layla L.", "email": "layla@example.com"})
        self.assertFalse(kept.loyalty_tier_id)
        self.env["base.partner.merge.automatic.wizard"]._merge((self.customer | kept).ids, kept)
        self.assertEqual(card.partner_id, kept)
        self.env.flush_all()
        self.assertEqual(kept.loyalty_tier_id, self.gold)

    def test_tier_threshold_decides_the_best_tier(self):
        # the best tier among the cards of two programs is the one asking more points
        other = self.program.copy({"name": "Second Club"})
        bronze = self.env["crm.loyalty.tier"].create(
            {"program_id": other.id, "name": "Bronze", "min_qualifying_points": 50, "earn_multiplier": 1}
        )
        first, second = self.env["loyalty.card"].create(
            [
                {"program_id": self.program.id, "partner_id": self.customer.id},
                {"program_id": other.id, "partner_id": self.customer.id},
            ]
        )
        first.tier_id, second.tier_id = self.silver, bronze
        self.assertEqual(self.customer.loyalty_tier_id, self.silver)
        bronze.min_qualifying_points = 1000
        self.env.flush_all()
        self.assertEqual(self.customer.loyalty_tier_id, bronze)

    def test_install_computes_only_holders_of_a_tier(self):
        # installing on a database with many contacts: no ORM recompute of every contact
        card = self.env["loyalty.card"].create(
            {"program_id": self.program.id, "partner_id": self.customer.id}
        )
        card.tier_id = self.gold
        other = self.env["res.partner"].create({"name": "No card"})
        self.env.flush_all()
        self.env.cr.execute("ALTER TABLE res_partner DROP COLUMN loyalty_tier_id")
        self.env["res.partner"].invalidate_model(["loyalty_tier_id"])
        registry = self.env.registry
        registry._post_init_queue, registry._foreign_keys, registry._is_install = deque(), {}, True
        try:
            self.env["res.partner"]._auto_init()
        finally:
            del registry._post_init_queue, registry._foreign_keys, registry._is_install
        field = self.env["res.partner"]._fields["loyalty_tier_id"]
        cards = self.env["loyalty.card"].with_context(active_test=False)
        holders = cards.search([("tier_id", "!=", False)]).partner_id
        self.assertIn(self.customer, holders)
        self.assertEqual(self.env.records_to_compute(field), holders)  # not every contact
        self.env.flush_all()
        self.env["res.partner"].invalidate_model()
        self.assertEqual(self.customer.loyalty_tier_id, self.gold)
        self.assertFalse(other.loyalty_tier_id)
