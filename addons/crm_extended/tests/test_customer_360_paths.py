from datetime import timedelta

from odoo import Command
from odoo.tests import Form, tagged

from .common import CrmExtendedCase


@tagged("post_install", "-at_install")
class TestCustomer360Paths(CrmExtendedCase):
    """Every change that moves a customer's stored 360 figures shows in them before the
    transaction commits (``cr.flush()`` runs the precommit hooks, as a commit does)."""

    def assert_order_figures(self, customer, count, aov):
        self.env.cr.flush()
        self.assertEqual(customer.order_count, count)
        self.assertAlmostEqual(customer.average_order_value, aov, places=2)

    def test_line_quantity_through_the_order_form(self):
        # the scenario: a confirmed order's line from 1 to 3 as a user edits it
        customer = self.make_customer("Form three")
        order = self.make_order(customer, amount=100)
        self.assert_order_figures(customer, 1, 100)
        with Form(order) as form, form.order_line.edit(0) as line:
            line.product_uom_qty = 3
        self.assert_order_figures(customer, 1, 300)

    def test_line_unit_of_measure_reprices_the_order(self):
        # the price follows the unit through core's compute, not through a written price
        customer = self.make_customer("By the dozen")
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        self.assert_order_figures(customer, 1, 100)
        order.order_line.product_uom = self.env.ref("uom.product_uom_dozen")
        self.assertAlmostEqual(order.amount_untaxed, 1200)
        self.assert_order_figures(customer, 1, 1200)

    def test_order_currency_rate(self):
        # an order in another currency counts at its rate: a new order date gives it another
        # rate (a compute, no amount written) and its value in the company currency moves
        customer = self.make_customer("Other currency")
        currency = self.env["res.currency"].create({"name": "XCR", "symbol": "¤", "rounding": 0.01})
        self.env["res.currency.rate"].create(
            [
                {"currency_id": currency.id, "name": "2000-01-01", "rate": 4.0},
                {"currency_id": currency.id, "name": self.now.date() - timedelta(days=10), "rate": 2.0},
            ]
        )
        pricelist = self.env["product.pricelist"].create({"name": "XCR prices", "currency_id": currency.id})
        order = self.make_order(customer, amount=100, pricelist_id=pricelist.id)
        self.assertAlmostEqual(order.currency_rate, 2.0)
        self.assert_order_figures(customer, 1, 50)
        order.date_order = "2005-06-01 10:00:00"
        self.assertAlmostEqual(order.currency_rate, 4.0)
        self.assert_order_figures(customer, 1, 25)

    def test_order_customer_change(self):
        first, second = self.make_customer("Leaving"), self.make_customer("Arriving")
        order = self.make_order(first, amount=100)
        self.assert_order_figures(first, 1, 100)
        order.partner_id = second
        self.assert_order_figures(first, 0, 0)
        self.assert_order_figures(second, 1, 100)

    def test_contact_moves_to_another_company(self):
        # a contact's orders count for his company: moving him moves them
        old, new = self.make_customer("Old employer"), self.make_customer("New employer")
        buyer = self.env["res.partner"].create({"name": "Moving buyer", "parent_id": old.id})
        order = self.make_order(buyer, amount=100)
        self.assert_order_figures(old, 1, 100)
        buyer.parent_id = new
        self.assert_order_figures(old, 0, 0)
        self.assert_order_figures(new, 1, 100)
        self.assertEqual(order.crm_commercial_partner_id, new)

    def test_invoice_posted_reset_cancelled(self):
        customer = self.make_customer("Invoice states")
        invoice = self.make_invoice(customer, 400)
        self.env.cr.flush()
        self.assertAlmostEqual(customer.lifetime_value, 400)
        invoice.button_draft()
        self.env.cr.flush()
        self.assertAlmostEqual(customer.lifetime_value, 0)
        invoice.action_post()
        self.env.cr.flush()
        self.assertAlmostEqual(customer.lifetime_value, 400)
        invoice.button_draft()
        invoice.button_cancel()
        self.env.cr.flush()
        self.assertAlmostEqual(customer.lifetime_value, 0)

    def test_refund_and_payment(self):
        customer = self.make_customer("Refunded")
        invoice = self.make_invoice(customer, 400)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.env.cr.flush()
        self.assertAlmostEqual(customer.lifetime_value, 400)  # a payment moves what is due, not the value
        self.assertAlmostEqual(customer.amount_due, 0)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "date": invoice.date})
        )
        refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        refund.action_post()
        self.env.cr.flush()
        self.assertAlmostEqual(customer.lifetime_value, 0)

    def test_merge_moves_figures_of_both_companies(self):
        # core's merge moves orders with SQL: both customers' figures and the orders' stored
        # commercial customer (what RFM and the order-to-cash totals group by) follow
        old, new = self.make_customer("Merged away Ltd"), self.make_customer("Merged into Ltd")
        src = self.env["res.partner"].create({"name": "Same Person", "parent_id": old.id})
        dst = self.env["res.partner"].create({"name": "Same Person", "parent_id": new.id})
        order = self.make_order(src, amount=100)
        self.assert_order_figures(old, 1, 100)
        self.env["base.partner.merge.automatic.wizard"]._merge((src | dst).ids, dst)
        self.assertEqual(order.partner_id, dst)
        self.assert_order_figures(old, 0, 0)
        self.assert_order_figures(new, 1, 100)
        self.assertEqual(order.crm_commercial_partner_id, new)
