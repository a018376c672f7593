"""Core's loyalty history stays core's: one line per order and card (points issued and used),
updated when a confirmed order uses more points, deleted when the order is cancelled; the
points ledger mirrors it and records what core does not (opening balances, balance changes,
tier bonuses, expiries, reversals)."""

from odoo import Command
from odoo.tests import tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestCoreHistoryContract(LoyaltyCase):
    def core_lines(self, card, order=None):
        lines = self.env["loyalty.history"].search([("card_id", "=", card.id)])
        if order:
            lines = lines.filtered(
                lambda line: line.order_model == "sale.order" and line.order_id == order.id
            )
        return lines

    def test_an_order_earning_and_spending_points_has_one_core_line(self):
        self.order(300)
        card = self.card()
        self.assertEqual(card.points, 300)
        order = self.order(100, confirm=False)
        order._update_programs_and_rewards()
        order._apply_program_reward(self.program.reward_ids, card)
        order.action_confirm()
        line = self.core_lines(card, order)
        self.assertEqual(len(line), 1, "core keeps one history line per order and card")
        self.assertEqual((line.issued, line.used), (100.0, 50.0))
        self.assertEqual(len(card.history_ids), 2, "one core line per order, no opening or ledger lines")
        entries = card.crm_ledger_ids.filtered(lambda e: e.history_id == line)
        self.assertEqual(
            sorted((e.entry_type, e.issued, e.used) for e in entries),
            [("earn", 100.0, 0.0), ("use", 0.0, 50.0)],
        )
        # what the ledger made of core's line, shown on it
        self.assertEqual(line.entry_type, "earn")
        self.assertEqual(line.remaining_points, 100.0, "the use took the older award's points first")
        self.assertTrue(line.expiry_date)
        self.assertEqual(card.points, 350)
        self.assert_ledger_consistent(card)

    def test_a_reward_added_to_a_confirmed_order_updates_its_core_line(self):
        first = self.order(300)
        card = self.card()
        first._apply_program_reward(self.program.reward_ids, card)
        line = self.core_lines(card, first)
        self.assertEqual(len(line), 1)
        self.assertEqual((line.issued, line.used), (300.0, 50.0))
        self.assertEqual(card.points, 250)
        uses = card.crm_ledger_ids.filtered(lambda e: e.entry_type == "use")
        self.assertEqual(uses.mapped("used"), [50.0])
        self.assertEqual(uses.history_id, line)
        self.assertFalse(
            card.crm_ledger_ids.filtered(lambda e: e.entry_type == "adjust"),
            "core's own bookkeeping of the reward: no extra balance change entry",
        )
        self.assert_ledger_consistent(card)

    def test_cancelling_an_order_deletes_its_one_core_line(self):
        self.order(300)
        card = self.card()
        second = self.order(200)
        self.assertEqual(len(card.history_ids), 2)
        second._action_cancel()
        self.assertEqual(len(card.history_ids), 1, "core deletes the order's one line")
        self.assertFalse(card.crm_ledger_ids.filtered(lambda e: e.order_id == second.id))
        self.assertEqual(card.points, 300)
        self.assert_ledger_consistent(card)

    def test_cancelling_a_tier_bonus_order_takes_back_the_bonus(self):
        self.order(600)  # Gold: x2
        card = self.card()
        self.assertEqual(card.tier_id, self.gold)
        second = self.order(100)
        self.assertEqual(card.points, 800)
        self.assertEqual(self.core_lines(card, second).issued, 100, "core's line says what core gave")
        second._action_cancel()
        self.assertEqual(card.points, 600)
        self.assertEqual(len(self.core_lines(card)), 1)
        self.assertFalse(card.crm_ledger_ids.filtered(lambda e: e.entry_type == "adjust"))
        self.assert_ledger_consistent(card)

    def test_balances_set_directly_are_in_the_ledger_not_in_core_history(self):
        card = self.env["loyalty.card"].create(
            {"program_id": self.program.id, "partner_id": self.customer.id, "points": 2}
        )
        card.points = 4
        self.assertFalse(card.history_ids, "core writes no line for these, neither do we")
        self.assertEqual(
            sorted((e.entry_type, e.description, e.issued) for e in card.crm_ledger_ids),
            [("adjust", "Balance change", 2.0), ("adjust", "Opening balance", 2.0)],
        )
        self.assert_ledger_consistent(card)

    def test_core_wizards_label_their_ledger_entries(self):
        card = self.env["loyalty.card"].create(
            {"program_id": self.program.id, "partner_id": self.customer.id, "points": 10}
        )
        self.env["loyalty.card.update.balance"].create(
            {"card_id": card.id, "new_balance": 25, "description": "Birthday gift"}
        ).action_update_card_point()
        self.assertEqual(card.history_ids.mapped("description"), ["Birthday gift"])
        entry = card.crm_ledger_ids.filtered(lambda e: e.description == "Birthday gift")
        self.assertEqual((entry.entry_type, entry.issued), ("adjust", 15.0))
        self.assert_ledger_consistent(card)

        other = self.env["res.partner"].create({"name": "Gift Receiver"})
        self.env["loyalty.generate.wizard"].with_context(active_id=self.program.id).create(
            {
                "program_id": self.program.id,
                "mode": "selected",
                "customer_ids": [Command.set(other.ids)],
                "points_granted": 40,
                "description": "Welcome points",
            }
        ).generate_coupons()
        gift = self.env["loyalty.card"].search([("partner_id", "=", other.id)])
        self.assertEqual(gift.points, 40)
        self.assertEqual(len(gift.history_ids), 1, "core's one line")
        self.assertEqual(
            [(e.description, e.issued) for e in gift.crm_ledger_ids],
            [("Welcome points", 40.0)],
            "counted once in the ledger",
        )
        self.assert_ledger_consistent(gift)
