from odoo.tests import Form, tagged
from odoo.tools import SQL

from .common import OrderToCashCommon


@tagged("post_install", "-at_install")
class TestOrderToCashState(OrderToCashCommon):
    def assertO2C(self, order, state, **amounts):
        self.assertEqual(order.order_to_cash_state, state)
        for fname, value in amounts.items():
            self.assertAlmostEqual(order[fname], value, places=2, msg=fname)
        # The set-based SQL recompute agrees with the ORM compute.
        order.env.flush_all()
        expected = {f: order[f] for f in ["order_to_cash_state", *amounts]}
        self.env.cr.execute(
            "UPDATE sale_order SET order_to_cash_state = NULL, o2c_amount_paid = NULL WHERE id = %s",
            [order.id],
        )
        order.invalidate_recordset()
        self.env["sale.order"]._recompute_order_to_cash(SQL("so.id = %s", order.id))
        self.assertEqual({f: order[f] for f in expected}, expected)

    def test_quotation_and_cancel(self):
        order = self._order([(self.goods, 2)], confirm=False)
        self.assertO2C(order, "quotation", o2c_amount_ordered=200.0, o2c_amount_invoiced=0.0)
        order.action_confirm()
        self.assertO2C(order, "confirmed", o2c_amount_delivered=0.0)
        order._action_cancel()
        self.assertO2C(order, "cancelled")

    def test_form_edit_keeps_stored_status(self):
        order = self._order([(self.goods, 2)])
        self._deliver(order)
        with Form(order) as form:
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 3
            self.assertEqual(form.order_to_cash_state, "delivered")
            self.assertEqual(form.o2c_amount_delivered, 200.0)
        self.assertO2C(order, "partially_delivered", o2c_amount_ordered=300.0)

    def test_partial_then_full_delivery(self):
        order = self._order([(self.goods, 10)])
        self._deliver(order, 4)
        self.assertO2C(order, "partially_delivered", o2c_amount_delivered=400.0)
        self._deliver(order)
        self.assertO2C(order, "delivered", o2c_amount_delivered=1000.0, o2c_amount_invoiced=0.0)

    def test_partial_invoice_payment_and_paid(self):
        order = self._order([(self.goods, 10)])
        self._deliver(order, 4)
        invoice = self._invoice(order)
        self.assertO2C(
            order,
            "partially_invoiced",
            o2c_amount_invoiced=400.0,
            o2c_amount_residual=400.0,
            o2c_amount_paid=0.0,
        )
        self._pay(invoice, 100.0)
        self.assertO2C(order, "partially_paid", o2c_amount_paid=100.0, o2c_amount_residual=300.0)
        self._deliver(order)
        invoice2 = self._invoice(order)
        self.assertO2C(order, "partially_paid", o2c_amount_invoiced=1000.0, o2c_amount_residual=900.0)
        self._pay(invoice2)
        self._pay(invoice, 300.0)
        self.assertO2C(order, "paid", o2c_amount_paid=1000.0, o2c_amount_residual=0.0)

    def test_invoiced_in_full(self):
        order = self._order([(self.goods, 2)])
        self._deliver(order)
        draft = self._invoice(order, post=False)
        self.assertO2C(order, "delivered", o2c_amount_invoiced=0.0)
        draft.action_post()
        self.assertO2C(order, "invoiced", o2c_amount_invoiced=200.0, o2c_amount_residual=200.0)

    def test_refund_brings_order_back(self):
        order = self._order([(self.goods, 2)])
        self._deliver(order)
        invoice = self._invoice(order)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": "damaged", "journal_id": invoice.journal_id.id})
        )
        refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        refund.action_post()
        self.assertO2C(order, "delivered", o2c_amount_invoiced=0.0, o2c_amount_residual=0.0)

    def test_service_only_order(self):
        order = self._order([(self.service, 3)])
        self.assertFalse(order.picking_ids)
        self.assertO2C(order, "confirmed", o2c_amount_delivered=150.0)
        invoice = self._invoice(order)
        self.assertO2C(order, "invoiced", o2c_amount_invoiced=150.0)
        self._pay(invoice)
        self.assertO2C(order, "paid", o2c_amount_paid=150.0)

    def test_down_payment(self):
        order = self._order([(self.goods, 10)])
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "percentage", "amount": 30})
        )
        down = wizard._create_invoices(order)
        down.action_post()
        self.assertO2C(order, "partially_invoiced", o2c_amount_invoiced=300.0)
        self._pay(down)
        self.assertO2C(order, "partially_paid", o2c_amount_paid=300.0, o2c_amount_residual=0.0)
        self._deliver(order)
        final = self._invoice(order)
        self.assertO2C(order, "partially_paid", o2c_amount_invoiced=1000.0, o2c_amount_residual=700.0)
        self._pay(final)
        self.assertO2C(order, "paid", o2c_amount_paid=1000.0)

    def test_multi_currency_amounts_in_company_currency(self):
        other = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": other.id})
        order = self._order([(self.goods, 2)], pricelist_id=pricelist.id, confirm=False)
        order.order_line.price_unit = 100.0
        order.action_confirm()
        self.assertEqual(order.currency_id, other)
        self.assertO2C(order, "confirmed", o2c_amount_ordered=100.0)
        self._deliver(order)
        self.assertO2C(order, "delivered", o2c_amount_delivered=100.0)
        invoice = self._invoice(order)
        self.assertEqual(invoice.currency_id, other)
        self.assertO2C(order, "invoiced", o2c_amount_invoiced=100.0, o2c_amount_residual=100.0)
        self._pay(invoice)
        self.assertO2C(order, "paid", o2c_amount_paid=100.0, o2c_amount_residual=0.0)

    def test_sql_recompute_is_set_based(self):
        orders = self._order([(self.goods, 1)]) | self._order([(self.service, 1)])
        self._deliver(orders[0])
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET order_to_cash_state = 'quotation', o2c_amount_delivered = 0 WHERE id IN %s",
            [tuple(orders.ids)],
        )
        orders.invalidate_recordset()
        with self.assertQueryCount(1):
            count = self.env["sale.order"]._recompute_order_to_cash(SQL("so.id IN %s", tuple(orders.ids)))
        self.assertEqual(count, 2)
        self.assertEqual(orders.mapped("order_to_cash_state"), ["delivered", "confirmed"])
        self.assertEqual(orders.mapped("o2c_amount_delivered"), [100.0, 50.0])

    def test_lead_and_partner_rollups(self):
        lead = self.env["crm.lead"].create(
            {"name": "Big deal", "type": "opportunity", "partner_id": self.customer.id}
        )
        order = self._order([(self.goods, 3)], opportunity_id=lead.id)
        self._order([(self.goods, 1)], opportunity_id=lead.id, confirm=False)
        self._deliver(order)
        invoice = self._invoice(order)
        self._pay(invoice, 100.0)
        self.assertRecordValues(
            lead,
            [
                {
                    "o2c_amount_ordered": 300.0,
                    "o2c_amount_delivered": 300.0,
                    "o2c_amount_invoiced": 300.0,
                    "o2c_amount_paid": 100.0,
                }
            ],
        )
        # From the invoice and the delivery back to the opportunity.
        self.assertEqual(invoice.opportunity_ids, lead)
        self.assertEqual(invoice.action_view_opportunities()["res_id"], lead.id)
        self.assertEqual(order.picking_ids.opportunity_id, lead)
        action = lead.action_view_order_to_cash()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), order)
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.customer.id, "type": "contact"}
        )
        for partner in (self.customer, contact):
            partner.invalidate_recordset()
            self.assertEqual(partner.o2c_amount_ordered, 300.0)
            self.assertEqual(partner.o2c_amount_paid, 100.0)
        self.assertEqual(lead.order_ids.mapped("state"), ["sale", "draft"])

    def test_cron_recomputes_in_resumable_batches(self):
        orders = self._order([(self.service, 1)]) | self._order([(self.service, 2)])
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET order_to_cash_state = NULL WHERE id IN %s", [tuple(orders.ids)]
        )
        orders.invalidate_recordset()
        param = "crm_erp_bridge.order_to_cash_recompute_last_id"
        self.env["ir.config_parameter"].set_param(param, orders[0].id - 1)
        Order = self.env["sale.order"]
        self.assertEqual(Order._cron_recompute_order_to_cash(batch_size=1), 1)
        self.assertEqual(orders.mapped("order_to_cash_state"), ["confirmed", False])
        self.assertEqual(self.env["ir.config_parameter"].get_param(param), str(orders[0].id))
        self.assertEqual(Order._cron_recompute_order_to_cash(batch_size=1), 0)
        self.assertEqual(orders.mapped("order_to_cash_state"), ["confirmed", "confirmed"])
        self.assertEqual(self.env["ir.config_parameter"].get_param(param), "0")
