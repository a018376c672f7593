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
