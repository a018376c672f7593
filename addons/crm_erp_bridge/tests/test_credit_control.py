from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL

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

    def test_policy_is_cores_credit_limit_setting_plus_block(self):
        company = self.env.company
        self.assertFalse(company.account_use_credit_limit)
        self.assertEqual(company.credit_control_policy, "off")
        company.credit_control_policy = "warn"
        self.assertTrue(company.account_use_credit_limit, "warn is core's Sales Credit Limit")
        self.assertFalse(company.credit_control_block)
        company.credit_control_policy = "block"
        self.assertTrue(company.account_use_credit_limit)
        self.assertTrue(company.credit_control_block)
        # core's setting switched off in Invoicing: no credit control at all, block included
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.credit_control_block)
        settings.account_use_credit_limit = False
        settings.execute()
        self.assertEqual(company.credit_control_policy, "off")
        order = self._order([(self.goods, 5)], confirm=False)
        self.assertFalse(order.partner_credit_warning)
        self.assertFalse(order.is_credit_blocked)
        # the block is set in core's settings, next to the credit limit
        settings = self.env["res.config.settings"].create({"account_use_credit_limit": True})
        settings.credit_control_block = True
        settings.execute()
        self.assertEqual(company.credit_control_policy, "block")

    def test_off(self):
        order = self._order([(self.goods, 5)], confirm=False)
        self.assertFalse(order.partner_credit_warning)
        self.assertFalse(order.is_credit_blocked)
        self.assertIs(order.action_confirm(), True)
        self.assertEqual(order.state, "sale")

    def test_warn_is_cores_warning_only(self):
        self.env.company.credit_control_policy = "warn"
        order = self._order([(self.goods, 5)], confirm=False)
        # core's banner, as core computes it; the bridge adds no warning of its own
        self.assertIn("has reached its credit limit", order.partner_credit_warning)
        self.assertFalse(order.credit_control_warning)
        self.assertFalse(order.is_credit_blocked)
        messages = order.message_ids
        self.assertIs(order.action_confirm(), True)
        self.assertEqual(order.state, "sale")
        self.assertFalse((order.message_ids - messages).filtered(lambda m: "credit" in (m.body or "")))

    def test_block_on_limit(self):
        self.env.company.credit_control_policy = "block"
        order = self._order([(self.goods, 5)], confirm=False)
        self.assertTrue(order.is_credit_blocked)
        # core's banner shows the limit; the bridge's banner does not repeat it
        self.assertIn("has reached its credit limit", order.partner_credit_warning)
        self.assertFalse(order.credit_control_warning)
        self.assertIn(order, self.env["sale.order"].search([("is_credit_blocked", "=", True)]))
        with self.assertRaisesRegex(UserError, "(?s)credit policy blocks it.*has reached its credit limit"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        # within the limit (core's rule): confirmable
        self.customer.credit_limit = 10000.0
        order.invalidate_recordset()
        self.assertFalse(order.is_credit_blocked)
        self.assertNotIn(order, self.env["sale.order"].search([("is_credit_blocked", "=", True)]))
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_block_follows_receivable_moved_in_the_transaction(self):
        """Core's warning is read afresh at confirmation, not from a stale cache."""
        self.env.company.credit_control_policy = "block"
        self.customer.credit_limit = 120.0
        order = self._order([(self.service, 1)], confirm=False)
        self.assertFalse(order.is_credit_blocked)
        self._invoice(self._order([(self.service, 2)]))  # 100 due now
        with self.assertRaisesRegex(UserError, "credit policy blocks it"):
            order.action_confirm()

    def test_block_on_overdue_invoice(self):
        self.customer.credit_limit = 0.0
        self.env.company.credit_control_policy = "block"
        old = self._order([(self.service, 1)])
        invoice = self._invoice(old)
        order = self._order([(self.service, 1)], confirm=False)
        self.assertFalse(order.is_credit_blocked, "not due yet")
        invoice.invoice_date_due = "2020-01-01"
        order.invalidate_recordset()
        self.assertTrue(order.is_credit_blocked)
        self.assertIn("overdue", order.credit_control_warning)
        # the same rule as the cockpit's Overdue Payments filter
        self.assertTrue(old.has_overdue_invoice)
        self.assertEqual(self.env["sale.order"].search([("has_overdue_invoice", "=", True)]), old)
        self.assertIn(order, self.env["sale.order"].search([("has_overdue_invoice", "=", False)]))
        with self.assertRaisesRegex(UserError, "overdue"):
            order.action_confirm()
        self._pay(invoice)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_block_in_foreign_currency_at_the_orders_rate(self):
        """The order counts in the company currency at its rate, the same amount in core's
        credit warning (single order) and in the stored order-to-cash amounts (compute and the
        set-based recompute)."""
        other = self.setup_other_currency("EUR", rates=[("2000-01-01", 4.0)])
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": other.id})
        self.env.company.credit_control_policy = "block"
        self.goods.list_price = 100.0
        # 4 units at 100 company currency = 1600 EUR at 4 EUR for 1: counts as 400
        order = self._order([(self.goods, 4)], pricelist_id=pricelist.id, confirm=False)
        self.assertEqual(order.currency_id, other)
        self.assertAlmostEqual(order.amount_total, 1600.0)
        self.customer.credit_limit = 399.0
        self.assertTrue(order.is_credit_blocked)
        self.customer.credit_limit = 400.0
        order.invalidate_recordset()
        self.assertFalse(order.is_credit_blocked)
        order.action_confirm()
        self.assertEqual(order.o2c_amount_ordered, 400.0, "stored compute")
        self.env.cr.execute(SQL("UPDATE sale_order SET o2c_amount_ordered = 0 WHERE id = %s", order.id))
        order.invalidate_recordset()
        self.env["sale.order"]._recompute_order_to_cash(SQL("so.id = %s", order.id))
        self.assertEqual(order.o2c_amount_ordered, 400.0, "set-based recompute")
        # the one definition, applied to any amount and rate; no rate counts at par
        convert = self.env["sale.order"]._o2c_company_amount_sql
        self.env.cr.execute(
            SQL(
                "SELECT %s, %s FROM sale_order so WHERE so.id = %s",
                convert(SQL("so.amount_total"), SQL("so.currency_rate"), SQL("0.01")),
                convert(SQL("123.456"), SQL("0"), SQL("0.01")),
                order.id,
            )
        )
        self.assertEqual([float(v) for v in self.env.cr.fetchone()], [400.0, 123.46])

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
        note = order.message_ids.filtered(lambda m: "CFO promised payment on Friday" in m.body)
        self.assertIn("has reached its credit limit", note.body)
        self.assertEqual(note.author_id, self.manager.partner_id)
