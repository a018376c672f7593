from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import OrderToCashCommon


@tagged("post_install", "-at_install")
class TestCreditControl(OrderToCashCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.credit_limit = 100.0
        cls.manager = new_test_user(
            cls.env, "o2c_manager", groups="sales_team.group_sale_manager,account.group_account_invoice"
        )
        cls.salesman = new_test_user(cls.env, "o2c_salesman", groups="sales_team.group_sale_salesman")

    def test_off(self):
        order = self._order([(self.goods, 5)], confirm=False)
        self.assertFalse(order.credit_control_warning)
        self.assertIs(order.action_confirm(), True)
        self.assertEqual(order.state, "sale")

    def test_warn(self):
        self.env.company.credit_control_policy = "warn"
        order = self._order([(self.goods, 5)], confirm=False)
        self.assertIn("credit limit", order.credit_control_warning)
        self.assertFalse(order.is_credit_blocked)
        result = order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("credit warning", order.message_ids[0].body)
        # Within the limit: no warning.
        small = self._order([(self.service, 1)], confirm=False)
        self.customer.credit_limit = 10000.0
        small.invalidate_recordset()
        self.assertFalse(small.credit_control_warning)

    def test_block_on_limit(self):
        self.env.company.credit_control_policy = "block"
        order = self._order([(self.goods, 5)], confirm=False)
        self.assertTrue(order.is_credit_blocked)
        self.assertIn(order, self.env["sale.order"].search([("is_credit_blocked", "=", True)]))
        with self.assertRaisesRegex(UserError, "credit policy blocks it"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_block_on_overdue_invoice(self):
        self.customer.credit_limit = 0.0
        self.env.company.credit_control_policy = "block"
        old = self._order([(self.service, 1)])
        invoice = self._invoice(old)
        order = self._order([(self.service, 1)], confirm=False)
        self.assertFalse(order.is_credit_blocked, "not due yet")
        invoice.invoice_date_due = "2020-01-01"
        order.invalidate_recordset()
        self.assertIn("overdue", order.credit_control_warning)
        with self.assertRaisesRegex(UserError, "overdue"):
            order.action_confirm()
        self._pay(invoice)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_manager_override_with_reason(self):
        self.env.company.credit_control_policy = "block"
        order = self._order([(self.goods, 5)], confirm=False)
        action = order.action_open_credit_override()
        wizard_form = Form(
            self.env[action["res_model"]].with_user(self.manager).with_context(**action["context"])
        )
        wizard_form.reason = "CFO promised payment on Friday"
        wizard = wizard_form.save()
        with self.assertRaises(AccessError):
            wizard.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft")
        wizard.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.message_ids.filtered(lambda m: "CFO promised payment on Friday" in m.body))
