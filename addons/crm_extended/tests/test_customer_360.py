from datetime import timedelta

from odoo.tests import tagged

from .common import CrmExtendedCase

FIELDS_360 = [
    "customer_since",
    "last_order_date",
    "order_count",
    "lifetime_value",
    "average_order_value",
    "open_quotation_count",
    "amount_due",
    "amount_overdue",
]


@tagged("post_install", "-at_install")
class TestCustomer360(CrmExtendedCase):
    def test_figures_roll_up_from_contacts(self):
        company = self.make_customer("Roll-up Ltd")
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": company.id})
        self.make_order(company, amount=100, days_ago=30)
        self.make_order(contact, amount=300, days_ago=3)
        self.make_order(contact, amount=999, confirm=False)  # open quotation
        self.make_order(company, amount=777)._action_cancel()
        self.env.cr.flush()  # the figures follow at commit time
        self.assertEqual(company.order_count, 2)
        self.assertEqual(company.open_quotation_count, 1)
        self.assertEqual(company.customer_since, self.now.date() - timedelta(days=30))
        self.assertEqual(company.last_order_date, self.now.date() - timedelta(days=3))

    def test_lifetime_value_invoices_minus_credit_notes(self):
        customer = self.make_customer("Invoiced Ltd")
        self.make_order(customer, amount=1000)
        self.make_order(customer, amount=500)
        self.make_invoice(customer, 1000)
        self.make_invoice(customer, 500)
        self.make_invoice(customer, 200, move_type="out_refund")
        self.make_invoice(customer, 5000, post=False)  # draft: does not count
        self.env.cr.flush()
        self.assertAlmostEqual(customer.lifetime_value, 1300)
        self.assertAlmostEqual(customer.average_order_value, 750)  # orders, not invoices
        self.assertAlmostEqual(customer.amount_due, 1300)
        self.assertAlmostEqual(customer.amount_overdue, 0)

    def test_amount_overdue(self):
        customer = self.make_customer("Late payer")
        invoice = self.make_invoice(customer, 400, post=False)
        invoice.invoice_date = "2020-01-01"
        invoice.invoice_date_due = "2020-01-31"
        invoice.action_post()
        self.assertAlmostEqual(customer.amount_overdue, 400)

    def test_figures_follow_at_commit_not_mid_flow(self):
        customer = self.make_customer("Committed Ltd")
        self.make_order(customer, amount=100)
        # nothing is flushed or recomputed in the middle of the confirmation...
        self.assertEqual(customer.order_count, 0)
        # ...the figures follow once, when the transaction commits
        self.env.cr.flush()
        self.assertEqual(customer.order_count, 1)
        self.assertAlmostEqual(customer.average_order_value, 100)

    def test_line_quantity_change_moves_figures(self):
        customer = self.make_customer("Three more")
        order = self.make_order(customer, amount=100)
        self.env.cr.flush()
        self.assertAlmostEqual(customer.average_order_value, 100)
        order.order_line.product_uom_qty = 3
        self.env.cr.flush()
        self.assertAlmostEqual(customer.average_order_value, 300)
        order.order_line.price_unit = 50
        self.env.cr.flush()
        self.assertAlmostEqual(customer.average_order_value, 150)

    def test_customer_change_moves_figures_of_both(self):
        first, second = self.make_customer("First owner"), self.make_customer("Second owner")
        order = self.make_order(first, amount=100)
        self.env.cr.flush()
        order.partner_id = second
        self.env.cr.flush()
        self.assertEqual((first.order_count, second.order_count), (0, 1))

    def test_cron_refresh_repairs_figures(self):
        customer = self.make_customer("Repaired")
        self.make_order(customer, amount=100)
        self.env.cr.execute("UPDATE res_partner SET order_count = 0 WHERE id = %s", (customer.id,))
        self.env["res.partner"].invalidate_model(["order_count"])
        self.env["res.partner"]._cron_refresh_customer_360()
        self.assertEqual(customer.order_count, 1)

    def test_refresh_survives_moves_without_untaxed_amount(self):
        # moves written by other modules or imports can leave amount_untaxed_signed empty;
        # the refresh must treat them as zero instead of failing on NULL
        customer = self.make_customer("Imported invoices")
        self.make_invoice(customer, 250)
        self.env["account.move"].flush_model()
        self.env.cr.execute(
            "UPDATE account_move SET amount_untaxed_signed = NULL WHERE partner_id = %s",
            (customer.id,),
        )
        self.env["res.partner"]._refresh_customer_360([customer.id])
        self.assertEqual(customer.lifetime_value, 0)

    def _count_reads(self, partners):
        partners.invalidate_model()
        before = self.env.cr.sql_log_count
        partners.read(FIELDS_360)
        return self.env.cr.sql_log_count - before

    def test_constant_queries_whatever_the_orders(self):
        small = self.make_customer("One order")
        self.make_order(small)
        big = self.make_customer("Many orders")
        for _n in range(15):
            self.make_order(big)
        self.make_invoice(big, 100)
        self.env.flush_all()
        big.invalidate_model()
        with self.assertQueryCount(4):
            big.read(FIELDS_360)
        self.assertEqual(self._count_reads(small), self._count_reads(big))

    def test_list_of_80_partners_no_per_row_queries(self):
        partners = self.env["res.partner"]
        for i in range(80):
            partners |= self.make_customer(f"List row {i}")
        self.make_order(partners[0])
        self.env.flush_all()
        self.assertEqual(self._count_reads(partners), self._count_reads(partners[:1]))

    def test_smart_buttons_open_filtered_records(self):
        customer = self.make_customer("Buttons Ltd")
        order = self.make_order(customer)
        quote = self.make_order(customer, confirm=False)
        action = customer.action_view_360_orders()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), order)
        action = customer.action_view_360_quotations()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), quote)
