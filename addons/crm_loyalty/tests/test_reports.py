from odoo import Command
from odoo.tests import tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestLoyaltyReports(LoyaltyCase):
    def test_points_by_month_liability_redemption_and_repeat_rate(self):
        self.program.crm_point_value = 0.1
        self.order(300)
        self.order(200)
        card = self.card()
        spend = self.order(10, confirm=False)
        spend._apply_program_reward(self.program.reward_ids, card)
        spend.action_confirm()
        # a customer who is not a member buys once
        other = self.env["res.partner"].create({"name": "Walk-in"})
        program_off = self.env["sale.order"].create(
            {
                "partner_id": other.id,
                "order_line": [Command.create({"product_id": self.product.id, "price_unit": 5})],
            }
        )
        self.program.active = False  # the walk-in earns nothing
        program_off.action_confirm()
        self.program.active = True
        self.env.flush_all()
        rows = self.env["crm.loyalty.report"].search([("program_id", "=", self.program.id)])
        by_type = {row.entry_type: row for row in rows}
        earned = sum(card.crm_ledger_ids.filtered(lambda h: h.entry_type == "earn").mapped("issued"))
        self.assertGreaterEqual(earned, 500)
        self.assertEqual(by_type["earn"].points_issued, earned)
        self.assertEqual(by_type["use"].points_used, 50)
        self.assertAlmostEqual(sum(rows.mapped("liability")), card.points * 0.1)
        self.program.invalidate_recordset()
        self.assertEqual(self.program.crm_points_outstanding, card.points)
        self.assertAlmostEqual(self.program.crm_liability, card.points * 0.1)
        self.assertAlmostEqual(self.program.crm_redemption_rate, 100 * 50 / earned)
        self.assertEqual(self.program.crm_member_repeat_rate, 100, "the member bought three times")
        self.assertLess(self.program.crm_other_repeat_rate, 100)

    def test_tier_review_is_set_based(self):
        partners = self.env["res.partner"].create([{"name": f"Member {i}"} for i in range(30)])
        cards = self.env["loyalty.card"].create(
            [{"program_id": self.program.id, "partner_id": p.id, "points": 0} for p in partners]
        )
        Card = self.env["loyalty.card"]
        Card._cron_review_tiers()
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        Card._cron_review_tiers()
        few = self.env.cr.sql_log_count - before
        more = self.env["loyalty.card"].create(
            [{"program_id": self.program.id, "partner_id": p.id, "points": 0} for p in partners]
        )
        Card._cron_review_tiers()
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        Card._cron_review_tiers()
        self.assertEqual(self.env.cr.sql_log_count - before, few, "same queries for 30 or 60 cards")
        self.assertFalse((cards | more).tier_id)
