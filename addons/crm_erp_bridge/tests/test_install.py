from odoo import models
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCrmErpBridgeInstall(TransactionCase):
    def test_cockpit_shows_confirmed_orders_only(self):
        action = self.env.ref("crm_erp_bridge.action_order_to_cash")
        orders = self.env["sale.order"].search(eval(action.domain))  # noqa: S307
        self.assertTrue(orders)
        self.assertEqual(set(orders.mapped("state")), {"sale"})

    def test_demo_covers_every_state(self):
        if not self.env.ref("crm_erp_bridge.sale_order_demo_o2c_paid", raise_if_not_found=False):
            self.skipTest("installed without demo data")
        states = set(self.env["sale.order"].search([]).mapped("order_to_cash_state"))
        expected = {key for key, _label in self.env["sale.order"]._fields["order_to_cash_state"].selection}
        self.assertEqual(states & expected, expected)
        blocked = self.env.ref("crm_erp_bridge.sale_order_demo_o2c_blocked")
        self.assertTrue(blocked.is_credit_blocked)

    def test_demo_story_is_data(self):
        """The demo walks through demo XML and a helper of its own, not a business model; the
        documents it makes are the addon's (its uninstall removes them)."""
        self.assertFalse(hasattr(self.env["sale.order"], "_crm_erp_bridge_demo"))
        self.assertIsInstance(self.env["crm.erp.bridge.demo"], models.AbstractModel)
        if not self.env.ref("crm_erp_bridge.sale_order_demo_o2c_paid", raise_if_not_found=False):
            self.skipTest("installed without demo data")
        paid = self.env.ref("crm_erp_bridge.sale_order_demo_o2c_paid")
        self.assertEqual(self.env.ref("crm_erp_bridge.sale_order_demo_o2c_paid_invoice_1"), paid.invoice_ids)
        payment = self.env.ref("crm_erp_bridge.sale_order_demo_o2c_paid_payment_1")
        self.assertEqual(payment.reconciled_invoice_ids, paid.invoice_ids)
        company = self.env.ref("base.main_company")
        self.assertEqual(company.credit_control_policy, "block")
        blocked = self.env.ref("crm_erp_bridge.sale_order_demo_o2c_blocked")
        self.assertIn("has reached its credit limit", blocked.partner_credit_warning)
        self.assertIn("overdue", blocked.credit_control_warning)
