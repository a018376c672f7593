from unittest.mock import ANY, patch

from odoo import Command
from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment.tests.http_common import PaymentHttpCommon
from odoo.addons.sale.tests.common import SaleCommon
from odoo.tests import tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestOnlinePaymentWithSuite(AccountPaymentCommon, SaleCommon, PaymentHttpCommon):
    """A customer pays a quotation online through its payment link, with the whole suite
    installed: core's flow still confirms and invoices the order, the payment link asks for the
    order's total, and the loyalty points follow the program's earn timing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.currency = cls.sale_order.currency_id
        cls.partner = cls.sale_order.partner_invoice_id
        cls.provider.journal_id.inbound_payment_method_line_ids.filtered(
            lambda line: line.payment_provider_id == cls.provider
        ).payment_account_id = cls.inbound_payment_method_line.payment_account_id
        cls.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", "True")
        cls.program = cls.env["loyalty.program"].create(
            {
                "name": "Online Club",
                "program_type": "loyalty",
                "applies_on": "both",
                "trigger": "auto",
                "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
                "reward_ids": [
                    Command.create({"reward_type": "discount", "discount": 5, "discount_mode": "percent"})
                ],
            }
        )

    def pay_online(self):
        """The portal's payment link: /payment/pay for the order, then its transaction route."""
        order = self.sale_order
        order._update_programs_and_rewards()
        self.amount = order.amount_total
        route_values = self._prepare_pay_values()
        route_values["sale_order_id"] = order.id
        with patch(
            "odoo.addons.payment.controllers.portal.PaymentPortal._compute_show_tokenize_input_mapping"
        ) as patched:
            tx_context = self._get_portal_pay_context(**route_values)
            patched.assert_called_once_with(ANY, sale_order_id=ANY)
        self.assertEqual(tx_context["amount"], order.amount_total, "the link asks for the order's total")
        with mute_logger("odoo.addons.payment.models.payment_transaction"):
            processing_values = self._get_processing_values(
                tx_route=tx_context["transaction_route"],
                provider_id=self.provider.id,
                payment_method_id=self.payment_method_id,
                token_id=None,
                amount=tx_context["amount"],
                flow="direct",
                tokenization_requested=False,
                landing_route=tx_context["landing_route"],
                access_token=tx_context["access_token"],
            )
        tx = self._get_tx(processing_values["reference"])
        self.assertEqual(order.state, "draft")
        tx._set_done()
        with mute_logger("odoo.addons.sale.models.payment_transaction"):
            tx._post_process()
        return tx

    def card(self):
        return self.env["loyalty.card"].search(
            [("partner_id", "=", self.sale_order.partner_id.id), ("program_id", "=", self.program.id)]
        )

    def test_paid_online_confirms_invoices_and_awards_on_confirmation(self):
        self.program.earn_timing = "confirm"
        tx = self.pay_online()
        order = self.sale_order
        self.assertEqual(order.state, "sale", "a paid quotation is confirmed")
        self.assertAlmostEqual(order.amount_paid, order.amount_total, msg="core's amount_paid: the payments")
        self.assertTrue(tx.invoice_ids, "the automatic invoice is created")
        self.assertEqual(order.invoice_ids, tx.invoice_ids)
        self.assertAlmostEqual(self.card().points, order.amount_untaxed)

    def test_paid_online_releases_points_held_until_payment(self):
        self.program.earn_timing = "paid"
        tx = self.pay_online()
        order = self.sale_order
        self.assertEqual(order.state, "sale")
        self.assertTrue(tx.invoice_ids)
        invoice = tx.invoice_ids
        # the transaction's payment is matched with the automatic invoice: the points are released
        self.assertIn(invoice.payment_state, ("paid", "in_payment"), "the invoice is paid by the transaction")
        self.assertAlmostEqual(self.card().points, order.amount_untaxed)
