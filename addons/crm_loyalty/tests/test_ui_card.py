from odoo.tests import HttpCase, tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestCardTour(HttpCase, LoyaltyCase):
    def test_card_ledger_and_adjustment(self):
        self.order(150)
        card = self.card()
        self.assertEqual(card.tier_id, self.silver)
        self.start_tour(f"/odoo/loyalty.card/{card.id}", "crm_loyalty_card_tour", login="admin")
        self.assertEqual(card.points, 110)
        adjust = card.crm_ledger_ids.filtered(lambda h: h.entry_type == "adjust")
        self.assertEqual(adjust.used, 40)
        self.assertIn("Goodwill correction", adjust.description)
        self.assert_ledger_consistent(card)
