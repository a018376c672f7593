import threading
import time
from unittest.mock import patch

from odoo import Command, api
from odoo.addons.crm_loyalty.models import loyalty_card as loyalty_card_module
from odoo.addons.crm_loyalty.models.crm_loyalty_ledger import trusted
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestReversal(LoyaltyCase):
    def invoice(self, order):
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    def refund(self, invoice, quantity=None):
        refund = invoice._reverse_moves()
        if quantity is not None:
            refund.invoice_line_ids.filtered(lambda line: line.product_id == self.product).quantity = quantity
        refund.action_post()
        return refund

    def test_partial_refunds_take_back_points_once(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 4})],
            }
        )
        order.action_confirm()
        card = self.card()
        self.assertEqual(card.points, 400)
        invoice = self.invoice(order)
        first = self.refund(invoice, quantity=1)
        self.assertEqual(card.points, 300, "a quarter of the order refunded, a quarter of the points back")
        reversal = card.crm_ledger_ids.filtered(lambda h: h.entry_type == "reversal")
        self.assertEqual(reversal.used, 100)
        # posting the same credit note again takes nothing more
        first.button_draft()
        first.action_post()
        self.assertEqual(card.points, 300)
        self.assertEqual(len(card.crm_ledger_ids.filtered(lambda h: h.entry_type == "reversal")), 1)
        # the rest refunded: never more than what the order earned
        self.refund(invoice, quantity=4)
        self.assertEqual(card.points, 0)
        self.refund(invoice, quantity=4)
        self.assertEqual(card.points, 0, "nothing left to take back")
        self.assert_ledger_consistent(card)

    def test_full_refund_after_partial_use(self):
        order = self.order(200)
        card = self.card()
        invoice = self.invoice(order)
        spend = self.order(10, confirm=False)
        spend._apply_program_reward(self.program.reward_ids, card)
        spend.action_confirm()
        left = card.points
        self.assertLess(left, 200)
        self.refund(invoice)
        self.assertEqual(card.points, 0, "the balance never goes below zero")
        reversal = card.crm_ledger_ids.filtered(lambda h: h.entry_type == "reversal")
        self.assertEqual(reversal.used, left)
        self.assertEqual(reversal.crm_reversed_points, 200)
        self.assertIn("already spent", reversal.description)
        self.assert_ledger_consistent(card)


@tagged("post_install", "-at_install")
class TestRedemptionConcurrency(TransactionCase):
    """Two orders spending the same points, in two real transactions."""

    def _env(self, cr):
        return api.Environment(cr, self.env.uid, {})

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            program = env["loyalty.program"].create(
                {
                    "name": "Concurrency Club",
                    "program_type": "loyalty",
                    "applies_on": "both",
                    "trigger": "auto",
                    "rule_ids": [Command.create({"reward_point_mode": "order", "reward_point_amount": 1})],
                    "reward_ids": [
                        Command.create(
                            {
                                "reward_type": "discount",
                                "discount": 10,
                                "discount_mode": "per_order",
                                "required_points": 80,
                            }
                        )
                    ],
                }
            )
            partner = env["res.partner"].create({"name": "Concurrent Customer"})
            card = env["loyalty.card"].create(
                {"program_id": program.id, "partner_id": partner.id, "points": 100}
            )
            product = env["product.product"].create(
                {"name": "Concurrency Tea", "list_price": 50, "taxes_id": False}
            )
            orders = env["sale.order"]
            for _i in range(2):
                order = env["sale.order"].create(
                    {
                        "partner_id": partner.id,
                        "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
                    }
                )
                order._apply_program_reward(program.reward_ids, card)
                orders |= order
            self.ids = (program.id, partner.id, card.id, product.id, orders.ids)
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        program_id, partner_id, card_id, product_id, order_ids = self.ids
        with self.registry.cursor() as cr:
            env = self._env(cr)
            orders = env["sale.order"].browse(order_ids)
            orders._action_cancel()
            orders.unlink()
            trusted(env["crm.loyalty.ledger"].sudo()).search([("card_id", "=", card_id)]).unlink()
            # the card, and coupons a purchase-triggered reward may have issued
            env["loyalty.card"].search(["|", ("id", "=", card_id), ("partner_id", "=", partner_id)]).unlink()
            env["loyalty.program"].browse(program_id).write({"active": False})
            env["res.partner"].browse(partner_id).unlink()
            env["product.product"].browse(product_id).write({"active": False})

    @mute_logger("odoo.sql_db")
    def test_two_orders_cannot_overdraw_a_card(self):
        _program, _partner, card_id, _product, order_ids = self.ids
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            order_a = self._env(cr_a)["sale.order"].browse(order_ids[0])
            order_b = self._env(cr_b)["sale.order"].browse(order_ids[1])
            order_a.action_confirm()
            errors = []
            # the second order waits a bounded time for the card, then refuses cleanly
            self.enterContext(patch.object(loyalty_card_module, "CARD_LOCK_TIMEOUT_MS", 300))

            def second():
                try:
                    order_b.action_confirm()
                except UserError as error:
                    errors.append(error)

            thread = threading.Thread(target=second)
            thread.start()
            thread.join(timeout=15)
            waited = thread.is_alive()
            if waited:  # release the first transaction so the thread ends and the test can fail
                cr_a.rollback()
                thread.join()
            self.assertFalse(waited, "the second order waits a bounded time only")
            self.assertEqual(len(errors), 1)
            self.assertIn("another order", str(errors[0]))
            cr_b.rollback()
            cr_a.commit()
            # retried after the first committed: not enough points left, refused by core's check
            order_b.invalidate_recordset()
            order_b.env["loyalty.card"].invalidate_model()
            with self.assertRaises(ValidationError):
                order_b.action_confirm()
            cr_b.rollback()
        with self.registry.cursor() as cr:
            card = self._env(cr)["loyalty.card"].browse(card_id)
            self.assertEqual(card.points, 21, "100 - 80 spent + 1 earned by the order")
            self.assertFalse(card._crm_ledger_mismatches())


@tagged("post_install", "-at_install")
class TestCreditNoteWaitsForTheCard(TransactionCase):
    """A credit note posted while another transaction holds the customer's card waits for it
    (a few seconds at most) instead of failing: two real transactions."""

    def _env(self, cr):
        return api.Environment(cr, self.env.uid, {})

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            program = env["loyalty.program"].create(
                {
                    "name": "Busy Card Club",
                    "program_type": "loyalty",
                    "applies_on": "both",
                    "trigger": "auto",
                    "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
                }
            )
            partner = env["res.partner"].create({"name": "Busy Card Customer"})
            product = env["product.product"].create(
                {
                    "name": "Busy Tea",
                    "list_price": 100,
                    "type": "consu",
                    "invoice_policy": "order",
                    "taxes_id": False,
                }
            )
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 4})],
                }
            )
            order.action_confirm()
            invoice = order._create_invoices()
            invoice.action_post()
            refund = invoice._reverse_moves()
            refund.invoice_line_ids.quantity = 1
            card = env["loyalty.card"].search(
                [("partner_id", "=", partner.id), ("program_id", "=", program.id)]
            )
            self.ids = (program.id, partner.id, product.id, order.id, (refund | invoice).ids, card.id)
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        program_id, partner_id, product_id, order_id, move_ids, card_id = self.ids
        with self.registry.cursor() as cr:
            env = self._env(cr)
            moves = env["account.move"].browse(move_ids)
            moves.filtered(lambda m: m.state == "posted").button_draft()
            moves.with_context(force_delete=True).unlink()
            order = env["sale.order"].browse(order_id)
            order._action_cancel()
            order.unlink()
            trusted(env["crm.loyalty.ledger"].sudo()).search([("card_id", "=", card_id)]).unlink()
            env["loyalty.card"].search([("partner_id", "=", partner_id)]).unlink()
            env["loyalty.program"].browse(program_id).write({"active": False})
            env["res.partner"].browse(partner_id).write({"active": False})
            env["product.product"].browse(product_id).write({"active": False})

    def post_while_card_is_held(self, hold_seconds):
        refund_id, card_id = self.ids[4][0], self.ids[5]
        errors = []
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            cr_a.execute("SELECT id FROM loyalty_card WHERE id = %s FOR UPDATE", [card_id])
            refund = self._env(cr_b)["account.move"].browse(refund_id)

            def post():
                try:
                    refund.action_post()
                    cr_b.commit()
                except UserError as error:
                    errors.append(error)
                    cr_b.rollback()

            start = time.monotonic()
            thread = threading.Thread(target=post)
            thread.start()
            thread.join(timeout=hold_seconds)
            cr_a.rollback()  # the other transaction ends: the card is free
            thread.join(timeout=30)
            self.assertFalse(thread.is_alive())
            elapsed = time.monotonic() - start
        with self.registry.cursor() as cr:
            env = self._env(cr)
            card = env["loyalty.card"].browse(card_id)
            return errors, elapsed, card.points, env["account.move"].browse(refund_id).state

    def test_posting_waits_for_a_card_held_a_moment_and_succeeds(self):
        errors, elapsed, points, state = self.post_while_card_is_held(1.0)
        self.assertFalse(errors, "a card busy for a moment must not make the credit note fail")
        self.assertGreaterEqual(elapsed, 1.0, "the posting waited for the other transaction")
        self.assertEqual(state, "posted")
        self.assertEqual(points, 300, "a quarter of the order refunded: 100 of 400 points back")

    @mute_logger("odoo.sql_db")
    def test_posting_gives_up_with_a_clear_message_when_the_card_stays_busy(self):
        self.enterContext(patch.object(loyalty_card_module, "CARD_LOCK_TIMEOUT_MS", 300))
        errors, _elapsed, points, state = self.post_while_card_is_held(3.0)
        self.assertEqual(len(errors), 1)
        self.assertIn("another order", str(errors[0]))
        self.assertEqual((state, points), ("draft", 400), "nothing posted, nothing taken")
