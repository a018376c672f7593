import threading

from odoo import api
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import OrderToCashCommon


@tagged("post_install", "-at_install")
class TestCockpit(OrderToCashCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.delivered = cls._order([(cls.goods, 2)]) | cls._order([(cls.goods, 1)])
        for order in cls.delivered:
            cls._deliver(order)
        cls.pending = cls._order([(cls.goods, 5)])

    def test_batch_create_post_send(self):
        orders = self.delivered | self.pending
        action = orders.action_o2c_create_invoices()
        invoices = self.delivered.invoice_ids
        self.assertEqual(len(invoices), 1, "one invoice per customer, Odoo's wizard default")
        self.assertEqual(invoices.state, "draft")
        self.assertEqual(action["res_id"], invoices.id)
        self.assertFalse(self.pending.invoice_ids)
        # A second click invoices nothing twice.
        with self.assertRaises(UserError):
            orders.action_o2c_create_invoices()
        self.assertEqual(len(self.delivered.invoice_ids), 1)
        orders.action_o2c_post_invoices()
        self.assertEqual(invoices.state, "posted")
        self.assertEqual(set(self.delivered.mapped("order_to_cash_state")), {"invoiced"})
        with self.assertRaises(UserError):
            orders.action_o2c_post_invoices()
        send = orders.action_o2c_send_invoices()
        self.assertIn(send["res_model"], ("account.move.send.wizard", "account.move.send.batch.wizard"))

    def test_cockpit_filters(self):
        action = self.env.ref("crm_erp_bridge.action_order_to_cash")
        search_view = action.search_view_id
        self.assertEqual(search_view, self.env.ref("crm_erp_bridge.view_sale_order_o2c_search"))
        Order = self.env["sale.order"]
        ours = self.delivered | self.pending
        self._deliver(self.pending, 2)
        invoice = self._invoice(self.delivered[0])
        invoice.invoice_date_due = "2020-01-01"

        def filtered(name):
            arch = search_view.arch
            start = arch.index(f'name="{name}"')
            domain = arch[arch.index('domain="', start) + 8 :]
            domain = domain[: domain.index('"')].replace("&lt;", "<").replace("&amp;", "&")
            from odoo.tools.safe_eval import datetime, safe_eval

            ctx = {"context_today": datetime.date.today}
            return Order.search(safe_eval(domain, ctx)) & ours

        self.assertEqual(filtered("delivered_not_invoiced"), self.delivered[1] | self.pending)
        self.assertEqual(filtered("overdue_payments"), self.delivered[0])
        self.pending.commitment_date = "2020-01-01 10:00:00"
        self.assertEqual(filtered("late_deliveries"), self.pending)
        # Invoiced on order before delivery.
        self.goods.invoice_policy = "order"
        early = self._order([(self.goods, 1)])
        self._invoice(early)
        ours |= early
        self.assertEqual(filtered("invoiced_not_delivered"), early)

    def test_kanban_columns_and_list_query_count(self):
        Order = self.env["sale.order"]
        groups = Order.web_read_group(
            [("state", "=", "sale")], ["order_to_cash_state"], ["order_to_cash_state"]
        )["groups"]
        states = [g["order_to_cash_state"] for g in groups]
        self.assertIn("paid", states, "empty columns of the cockpit are shown")
        self.assertNotIn("quotation", states)

        products = self.goods | self.service
        Order.create(
            [
                {
                    "partner_id": self.customer.id if i % 2 else self.partner_a.id,
                    "order_line": [Command.create({"product_id": products[i % 2].id})],
                }
                for i in range(80)
            ]
        ).action_confirm()
        view = self.env.ref("crm_erp_bridge.view_sale_order_o2c_list")
        fields_in_list = Order.get_views([(view.id, "list")])["models"]["sale.order"]["fields"]
        spec = {
            name: {"fields": {"display_name": {}}} if info["type"] == "many2one" else {}
            for name, info in fields_in_list.items()
        }

        def read(limit):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            result = Order.web_search_read([("state", "=", "sale")], spec, limit=limit)
            return self.env.cr.sql_log_count - before, result

        read(80)
        queries_5, _result = read(5)
        with self.assertQueryCount(queries_5):
            _count, result = read(80)
        self.assertEqual(len(result["records"]), 80)


@tagged("post_install", "-at_install")
class TestCockpitConcurrency(TransactionCase):
    """Two invoicing runs on the same orders, in two real transactions: one invoice only."""

    def _env(self, cr):
        return api.Environment(cr, self.env.uid, {})

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            product = env["product.product"].create(
                {"name": "Concurrency Service", "type": "service", "invoice_policy": "order"}
            )
            partner = env["res.partner"].create({"name": "Concurrency Customer"})
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [Command.create({"product_id": product.id, "price_unit": 10})],
                }
            )
            order.action_confirm()
            self.ids = (order.id, partner.id, product.id)
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        order_id, partner_id, product_id = self.ids
        with self.registry.cursor() as cr:
            env = self._env(cr)
            order = env["sale.order"].browse(order_id)
            order.invoice_ids.filtered(lambda m: m.state == "draft").unlink()
            order._action_cancel()
            order.unlink()
            env["res.partner"].browse(partner_id).unlink()
            env["product.product"].browse(product_id).unlink()

    @mute_logger("odoo.sql_db")
    def test_two_runs_create_one_invoice(self):
        order_id = self.ids[0]
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            order_a = self._env(cr_a)["sale.order"].browse(order_id)
            order_b = self._env(cr_b)["sale.order"].browse(order_id)
            order_a.action_o2c_create_invoices()
            # The second run does not wait for the first one: it fails at once.
            errors = []

            def second_run():
                try:
                    order_b.action_o2c_create_invoices()
                except UserError as error:
                    errors.append(error)

            thread = threading.Thread(target=second_run)
            thread.start()
            thread.join(timeout=10)
            self.assertFalse(thread.is_alive(), "the second run must not wait on the lock")
            self.assertEqual(len(errors), 1)
            self.assertIn("another user", str(errors[0]))
            cr_b.rollback()
            cr_a.commit()
            # Retried after the first run committed: the order is skipped.
            order_b.invalidate_recordset()
            with self.assertRaises(UserError):
                order_b.action_o2c_create_invoices()
            cr_b.rollback()
        with self.registry.cursor() as cr:
            invoices = self._env(cr)["sale.order"].browse(order_id).invoice_ids
            self.assertEqual(len(invoices), 1)
