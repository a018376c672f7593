from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestLedgerTiers(LoyaltyCase):
    def test_earning_creates_ledger_rows_with_expiry(self):
        self.order(150)
        card = self.card()
        self.assertEqual(card.points, 150)
        earn = card.crm_ledger_ids.filtered(lambda h: h.entry_type == "earn")
        self.assertEqual(earn.issued, 150)
        self.assertEqual(earn.remaining_points, 150)
        self.assertEqual(earn.expiry_date, earn.date.replace(year=earn.date.year + 1))
        self.assert_ledger_consistent(card)

    def test_upgrade_at_once_and_multiplier(self):
        self.order(150)
        card = self.card()
        self.assertEqual(card.tier_id, self.silver)
        self.assertEqual(card.next_tier_id, self.gold)
        self.assertEqual(card.points_to_next_tier, 350)
        self.assertEqual(self.customer.loyalty_tier_id, self.silver)
        self.order(400)
        self.assertEqual(card.tier_id, self.gold, "upgrades apply at once")
        self.assertIn("Silver", card.message_ids[0].body)
        # gold earns double: 300 base + 300 bonus
        self.order(300)
        self.assertEqual(card.points, 150 + 400 + 600)
        # cancelling takes the tier bonus back too, found by its flag, not by its (translated,
        # editable) description
        third = self.env["sale.order"].search(
            [("partner_id", "=", self.customer.id)], order="id desc", limit=1
        )
        bonus_row = card.crm_ledger_ids.filtered("is_tier_bonus")
        self.assertEqual(bonus_row.issued, 300)
        bonus_row.description = "Goldbonus"
        third._action_cancel()
        self.assertEqual(card.points, 150 + 400)
        third.action_draft()
        third.action_confirm()
        self.assertEqual(card.points, 150 + 400 + 600)
        all_cards = self.customer.crm_loyalty_card_ids.filtered(
            lambda c: c.program_id.program_type == "loyalty"
        )
        self.assertEqual(self.customer.loyalty_points, sum(all_cards.mapped("points")))
        # segments and filters search on points
        Partner = self.env["res.partner"]
        nobody = Partner.create({"name": "No card"})
        self.assertIn(self.customer, Partner.search([("loyalty_points", ">", 1000)]))
        self.assertNotIn(self.customer, Partner.search([("loyalty_points", "<", 1000)]))
        self.assertIn(nobody, Partner.search([("loyalty_points", "=", 0)]))
        self.assertNotIn(nobody, Partner.search([("loyalty_points", ">", 0)]))
        self.assert_ledger_consistent(card)

    def test_downgrade_only_after_grace_in_review(self):
        self.order(600)
        card = self.card()
        self.assertEqual(card.tier_id, self.gold)
        # the award leaves the qualifying window
        self.env.cr.execute("UPDATE crm_loyalty_ledger SET date = date - 400 WHERE card_id = %s", [card.id])
        self.env["crm.loyalty.ledger"].invalidate_model()
        card._crm_update_tiers(allow_downgrade=True)
        self.assertEqual(card.tier_id, self.gold, "grace period first")
        self.assertTrue(card.tier_downgrade_date)
        card.tier_downgrade_date = date(2000, 1, 1)
        self.env["loyalty.card"]._cron_review_tiers()
        self.assertFalse(card.tier_id)

    def test_tier_check_on_an_order_matches_the_review(self):
        """An order checks its cards without the review statement: same decisions (grace
        instead of downgrade, grace cleared once the customer qualifies again)."""
        self.program.tier_grace_days = 30
        self.order(600)
        card = self.card()
        self.assertEqual((card.tier_id, card.qualifying_points), (self.gold, 600))
        self.env.cr.execute("UPDATE crm_loyalty_ledger SET date = date - 400 WHERE card_id = %s", [card.id])
        self.env["crm.loyalty.ledger"].invalidate_model()
        self.order(10)
        self.assertEqual(card.tier_id, self.gold, "no downgrade on an order")
        self.assertEqual(card.qualifying_points, 20, "10 and the gold bonus")
        self.assertEqual(card.tier_downgrade_date, fields.Date.context_today(card) + timedelta(days=30))
        self.order(600)
        self.assertEqual((card.tier_id, card.qualifying_points), (self.gold, 20 + 1200))
        self.assertFalse(card.tier_downgrade_date, "qualifies again: the grace is over")
        # the review statement agrees with what the order decided
        self.assertFalse(card._crm_update_tiers(allow_downgrade=True))
        self.assertEqual((card.tier_id, card.qualifying_points), (self.gold, 20 + 1200))
        self.assertFalse(card.tier_downgrade_date)

    def test_first_expiring_points_are_used_first_and_expiry_at_boundary(self):
        self.order(100)
        card = self.card()
        first = card.crm_ledger_ids.filtered(lambda h: h.entry_type == "earn")
        self.program.points_validity_months = 24
        self.order(100)
        second = card.crm_ledger_ids.filtered(lambda h: h.entry_type == "earn") - first
        self.assertGreater(second.expiry_date, first.expiry_date)
        # redeeming 50 points takes them from the first-expiring award
        order = self.order(10, confirm=False)
        order._apply_program_reward(self.program.reward_ids, card)
        order.action_confirm()
        used = card.crm_ledger_ids.filtered(lambda h: h.entry_type == "use")
        self.assertEqual(sum(used.mapped("used")), 50)
        self.assertEqual(first.remaining_points, 50, "the first-expiring award is used first")
        self.assertEqual(second.remaining_points, 100)
        # expiry: nothing the day before, the rest of the first award on the day itself
        Card = self.env["loyalty.card"]
        before = card.points
        Card._cron_expire_points(today=first.expiry_date - timedelta(days=1))
        self.assertEqual(card.points, before, "nothing expires the day before")
        self.assertGreaterEqual(Card._cron_expire_points(today=first.expiry_date)["cards"], 1)
        self.assertEqual(card.points, before - 50)
        self.assertEqual(self.customer.loyalty_points, card.points, "the partner's points follow")
        expire = card.crm_ledger_ids.filtered(lambda h: h.entry_type == "expire")
        self.assertEqual(expire.used, 50)
        self.assertEqual(first.remaining_points, 0)
        Card._cron_expire_points(today=first.expiry_date)
        self.assertEqual(card.points, before - 50, "expires once")
        self.assertEqual(len(card.crm_ledger_ids.filtered(lambda h: h.entry_type == "expire")), 1)
        self.assert_ledger_consistent(card)

    def test_ledger_is_append_only_and_adjustments_for_managers(self):
        self.order(100)
        card = self.card()
        row = card.crm_ledger_ids[:1]
        salesman = self.env["res.users"].create(
            {
                "name": "Sam Sales",
                "login": "loy_sam",
                "groups_id": [Command.set(self.env.ref("sales_team.group_sale_salesman").ids)],
            }
        )
        with self.assertRaises(UserError):
            row.with_user(salesman).write({"issued": 1000})
        with self.assertRaises(UserError):
            row.with_user(salesman).unlink()
        with self.assertRaises(AccessError):
            card.with_user(salesman).action_loyalty_update_balance()
        with self.assertRaises(AccessError):
            self.update_balance(card.with_user(salesman), 1000, "Salesman gift")
        self.assertNotIn("crm.loyalty.adjust.wizard", self.env, "core's wizard is the one way")
        self.update_balance(card, 60, "Damaged goods")
        self.assertEqual(card.points, 60)
        adjust = card.crm_ledger_ids.filtered(lambda h: h.entry_type == "adjust")
        self.assertEqual((adjust.used, adjust.description), (40, "Damaged goods"))
        self.assertEqual(
            adjust.history_id, card.history_ids.filtered(lambda h: h.description == "Damaged goods")
        )
        self.assertEqual(
            len(card.crm_ledger_ids.filtered(lambda h: h.entry_type == "adjust")), 1, "one entry"
        )
        # the adjustment took the first-expiring award's points
        self.assertEqual(row.remaining_points, 60)
        with self.assertRaises(ValidationError):
            self.update_balance(card, -1, "Too much")
        with self.assertRaises(UserError):
            self.update_balance(card, 70, "   ")
        self.assertEqual(card.points, 60)
        self.assert_ledger_consistent(card)

    def test_positive_adjustment_updates_the_tier(self):
        self.order(50)
        card = self.card()
        self.assertFalse(card.tier_id)
        self.update_balance(card, 550, "Goodwill")
        self.assertEqual((card.tier_id, card.qualifying_points), (self.gold, 550))

    def update_balance(self, card, new_balance, reason):
        return (
            self.env["loyalty.card.update.balance"]
            .with_user(card.env.user)
            .create({"card_id": card.id, "new_balance": new_balance, "description": reason})
            .action_update_card_point()
        )

    def test_balance_changed_elsewhere_is_reconciled_in_the_ledger(self):
        card = self.env["loyalty.card"].create(
            {"program_id": self.program.id, "partner_id": self.customer.id, "points": 30}
        )
        self.assert_ledger_consistent(card)
        card.points = 45
        self.assert_ledger_consistent(card)
        self.assertEqual(
            sorted(card.crm_ledger_ids.filtered(lambda h: h.entry_type == "adjust").mapped("issued")),
            [15, 30],
        )

    def test_core_wizards_write_one_ledger_row(self):
        """Core's 'Generate Coupons' and 'Update Balance' wizards write their own history row:
        the ledger must not count those points a second time."""
        self.env["loyalty.generate.wizard"].with_context(active_id=self.program.id).create(
            {
                "program_id": self.program.id,
                "mode": "selected",
                "customer_ids": [Command.set(self.customer.ids)],
                "points_granted": 25,
                "description": "Gift",
            }
        ).generate_coupons()
        card = self.card()
        self.assertEqual(card.points, 25)
        self.assertEqual(card.crm_ledger_ids.mapped("issued"), [25])
        self.assert_ledger_consistent(card)
        self.env["loyalty.card.update.balance"].create(
            {"card_id": card.id, "new_balance": 40, "description": "Goodwill"}
        ).action_update_card_point()
        self.assertEqual(card.points, 40)
        self.assertEqual(
            sum(card.crm_ledger_ids.mapped("issued")) - sum(card.crm_ledger_ids.mapped("used")), 40
        )
        self.assert_ledger_consistent(card)

    def test_cancel_and_reconfirm_keep_core_behaviour(self):
        order = self.order(200)
        card = self.card()
        self.assertEqual(card.points, 200)
        order._action_cancel()
        self.assertEqual(card.points, 0)
        self.assertFalse(card.crm_ledger_ids.filtered(lambda h: h.order_id == order.id))
        order.action_draft()
        order.action_confirm()
        self.assertEqual(card.points, 200)
        self.assert_ledger_consistent(card)

    def test_invalid_configuration_is_refused(self):
        with self.assertRaises(ValidationError):
            self.env["crm.loyalty.tier"].create(
                {
                    "program_id": self.program.id,
                    "name": "Zero",
                    "min_qualifying_points": 50,
                    "earn_multiplier": 0,
                }
            )
        with self.assertRaises(ValidationError):
            self.env["crm.loyalty.tier"].create(
                {"program_id": self.program.id, "name": "Clash", "min_qualifying_points": 100}
            )
        with self.assertRaises(ValidationError):
            self.program.points_validity_months = -1

    def test_expiry_warning_mail_once_at_the_warning_day(self):
        self.order(100)
        card = self.card()
        award = card.crm_ledger_ids.filtered(lambda h: h.entry_type == "earn")
        self.program.expiry_warning_days = 10
        self.assertTrue(self.program.expiry_mail_template_id, "the module's template by default")
        warn_day = award.expiry_date - timedelta(days=10)
        Card = self.env["loyalty.card"]
        self.assertNotIn(card, Card._cron_warn_expiry(today=warn_day - timedelta(days=1)))
        mails = self.env["mail.mail"].search([("model", "=", "loyalty.card"), ("res_id", "=", card.id)])
        self.assertIn(card, Card._cron_warn_expiry(today=warn_day))
        new = self.env["mail.mail"].search([("model", "=", "loyalty.card"), ("res_id", "=", card.id)]) - mails
        self.assertEqual(len(new), 1)
        self.assertIn("expire", new.subject)
        self.assertNotIn(card, Card._cron_warn_expiry(today=warn_day + timedelta(days=1)))

    def test_tier_benefit_rewards_only_for_the_tier_and_above(self):
        gift = self.env["loyalty.reward"].create(
            {
                "program_id": self.program.id,
                "reward_type": "discount",
                "discount": 20,
                "discount_mode": "per_order",
                "required_points": 10,
            }
        )
        self.gold.reward_ids = gift
        self.order(150)  # Silver
        card = self.card()
        order = self.order(10, confirm=False)
        claimable = order._get_claimable_rewards(forced_coupons=card)
        self.assertIn(self.program.reward_ids - gift, claimable[card], "other rewards stay claimable")
        self.assertNotIn(gift, claimable[card])
        self.assertIn("Gold", order._apply_program_reward(gift, card).get("error", ""))
        self.order(400)  # Gold
        self.assertEqual(card.tier_id, self.gold)
        self.assertIn(gift, order._get_claimable_rewards(forced_coupons=card)[card])
        self.assertFalse(order._apply_program_reward(gift, card).get("error"))
