from odoo import Command
from odoo.tests import tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestEarnWhenPaid(LoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.earn_timing = "paid"

    def invoice(self, order):
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    def pay(self, invoice):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()

    def pending(self, card):
        return card.crm_ledger_ids.filtered(lambda h: h.entry_type == "pending")

    def test_points_pending_until_paid(self):
        order = self.order(400)
        card = self.card()
        self.assertEqual(card.points, 0, "nothing spendable before payment")
        self.assertEqual(self.pending(card).used, 400)
        self.assertEqual(card.qualifying_points, 0, "pending points do not qualify for a tier")
        self.assertFalse(card.tier_id)
        self.assert_ledger_consistent(card)
        # the portal's figure for the card and the payment's figure for the order are one rule
        self.assertEqual(card._crm_pending_total(), 400)
        self.assertEqual(dict(order._crm_pending_points()), {(order, card): 400})
        invoice = self.invoice(order)
        self.assertEqual(card.points, 0, "a posted invoice is not a paid one")
        self.pay(invoice)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(card.points, 400)
        released = card.crm_ledger_ids.filtered("crm_released")
        self.assertEqual(released.issued, 400)
        self.assertEqual(released.remaining_points, 400)
        self.assertEqual(card.tier_id, self.silver)
        self.assertEqual(card.qualifying_points, 400)
        self.assert_ledger_consistent(card)
        self.assertEqual(card._crm_pending_total(), 0)
        self.assertEqual(dict(order._crm_pending_points()), {(order, card): 0})
        # the hook firing again (another payment state change) releases nothing more
        order._crm_release_paid_points()
        self.assertEqual(card.points, 400)

    def test_cancel_unpaid_order_gives_nothing_takes_nothing(self):
        self.order(100)  # an earlier paid-for order would be spendable; this one is pending
        card = self.card()
        card.with_context(crm_loyalty_no_reconcile=False).points += 50  # opening adjustment
        order = self.order(300)
        self.assertEqual(card.points, 50)
        order._action_cancel()
        self.assertEqual(card.points, 50, "cancelling does not take back points never given")
        self.assert_ledger_consistent(card)

    def test_partial_refund_before_payment_reduces_the_release(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 4})],
            }
        )
        order.action_confirm()
        card = self.card()
        invoice = self.invoice(order)
        refund = invoice._reverse_moves()
        refund.invoice_line_ids.quantity = 1
        refund.action_post()
        self.assertEqual(card.points, 0, "nothing to take from the balance yet")
        reversal = card.crm_ledger_ids.filtered(lambda h: h.entry_type == "reversal")
        self.assertEqual((reversal.used, reversal.crm_reversed_points), (0, 100))
        self.pay(invoice)  # the credit note is reconciled with the invoice: the rest is paid
        self.assertEqual(card.points, 300, "the refunded quarter is never released")
        self.assert_ledger_consistent(card)
