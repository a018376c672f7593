from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import OrderToCashCommon


@tagged("post_install", "-at_install")
class TestDeliveryPromise(OrderToCashCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.security_lead = 1.0
        cls.calendar = cls.env.company.resource_calendar_id
        # Calendar days in most tests; the working calendar has a test of its own.
        cls.env.company.resource_calendar_id = False
        cls.goods.sale_delay = 2.0
        cls.vendor = cls.env["res.partner"].create({"name": "Promise Vendor"})
        cls.bought = cls.env["product.product"].create(
            {
                "name": "Bought Goods",
                "type": "consu",
                "is_storable": True,
                "sale_delay": 2.0,
                "taxes_id": [Command.clear()],
                "seller_ids": [Command.create({"partner_id": cls.vendor.id, "delay": 10})],
            }
        )
        cls.today = fields.Date.today()

    def _days(self, n):
        return self.today + timedelta(days=n)

    def test_in_stock(self):
        order = self._order([(self.goods, 5)], confirm=False)
        self.assertEqual(order.order_line.promised_date, self._days(3))
        self.assertEqual(order.promised_date, self._days(3))

    def test_service_lines_promise_nothing(self):
        order = self._order([(self.service, 1), (self.goods, 5)], confirm=False)
        service_line = order.order_line.filtered(lambda line: line.product_id == self.service)
        self.assertFalse(service_line.promised_date, "a service is not delivered")
        self.assertEqual(order.promised_date, self._days(3))

    def test_no_stock_uses_vendor_lead_time(self):
        order = self._order([(self.bought, 5)], confirm=False)
        self.assertEqual(order.order_line.promised_date, self._days(13))

    def test_incoming_receipt(self):
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.warehouse.lot_stock_id.id,
                "scheduled_date": fields.Datetime.now() + timedelta(days=5),
                "move_ids": [
                    Command.create(
                        {
                            "name": "receipt",
                            "product_id": self.bought.id,
                            "product_uom_qty": 10,
                            "product_uom": self.bought.uom_id.id,
                            "location_id": self.env.ref("stock.stock_location_suppliers").id,
                            "location_dest_id": self.warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        order = self._order([(self.bought, 4)], confirm=False)
        self.assertEqual(order.order_line.promised_date, self._days(8), "receipt + 2 + 1")
        # More than the receipt brings: the vendor lead time again.
        order.order_line.product_uom_qty = 12
        self.assertEqual(order.order_line.promised_date, self._days(13))

    def test_other_reservations_and_latest_line(self):
        self.env["stock.quant"]._update_available_quantity(self.bought, self.warehouse.lot_stock_id, 5.0)
        self.assertEqual(self._order([(self.bought, 5)], confirm=False).promised_date, self._days(3))
        self._order([(self.bought, 5)])  # confirmed: its delivery takes the stock
        order = self._order([(self.goods, 1), (self.bought, 1)], confirm=False)
        self.assertEqual(order.order_line.mapped("promised_date"), [self._days(3), self._days(13)])
        self.assertEqual(order.promised_date, self._days(13))

    def test_commitment_warning_and_frozen_promise(self):
        order = self._order([(self.goods, 1)], confirm=False)
        with Form(order) as form:
            form.commitment_date = fields.Datetime.now() + timedelta(days=1)
        self.assertTrue(order.promise_warning)
        order.commitment_date = fields.Datetime.now() + timedelta(days=5)
        self.assertFalse(order.promise_warning)
        order.action_confirm()
        self.goods.sale_delay = 30.0
        self.assertEqual(order.order_line.promised_date, self._days(3))

    def test_delivery_on_time_and_partner_rate(self):
        on_time = self._order([(self.goods, 1)])
        late = self._order([(self.goods, 1)], commitment_date="2020-01-01 10:00:00")
        # created and confirmed at once, with nothing flushed in between: still promised
        self.assertEqual(on_time.order_line.promised_date, self._days(3))
        self.assertFalse(on_time.delivery_on_time)
        self._deliver(on_time)
        self._deliver(late, 0.5)
        self.assertFalse(late.delivery_on_time, "not fully delivered yet")
        self._deliver(late)
        self.assertTrue(on_time.delivery_on_time)
        self.assertFalse(late.delivery_on_time)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.on_time_delivery_rate, 50.0)

    def test_working_calendar(self):
        calendar = self.env["resource.calendar"].create(
            {
                "name": "Mon-Fri",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create({"name": str(d), "dayofweek": str(d), "hour_from": 8, "hour_to": 17})
                    for d in range(5)
                ],
            }
        )
        self.env.company.resource_calendar_id = calendar
        for delay in range(7):
            self.goods.sale_delay = delay
            order = self._order([(self.goods, 1)], confirm=False)
            expected = self._days(delay + 1)
            while expected.weekday() >= 5:
                expected += timedelta(days=1)
            self.assertEqual(order.promised_date, expected, f"sale_delay {delay}")

    def _promise_queries(self, count, supply="stock"):
        """Queries spent computing the promise of a quotation of ``count`` storable products.

        ``supply``: "stock" (on hand), "receipt" (none on hand, an incoming receipt for each),
        "vendor" (none on hand nor incoming: the vendor lead time).
        """
        products = self.env["product.product"].create(
            [
                {
                    "name": f"Promise {supply} {count}/{i}",
                    "type": "consu",
                    "is_storable": True,
                    "sale_delay": i % 3,
                    "seller_ids": [Command.create({"partner_id": self.vendor.id, "delay": 4 + i % 5})],
                }
                for i in range(count)
            ]
        )
        if supply == "stock":
            for product in products:
                self.env["stock.quant"]._update_available_quantity(product, self.warehouse.lot_stock_id, 10.0)
        elif supply == "receipt":
            supplier = self.env.ref("stock.stock_location_suppliers")
            receipt = self.env["stock.picking"].create(
                {
                    "picking_type_id": self.warehouse.in_type_id.id,
                    "location_id": supplier.id,
                    "location_dest_id": self.warehouse.lot_stock_id.id,
                    "scheduled_date": fields.Datetime.now() + timedelta(days=5),
                    "move_ids": [
                        Command.create(
                            {
                                "name": "receipt",
                                "product_id": product.id,
                                "product_uom_qty": 10,
                                "product_uom": product.uom_id.id,
                                "location_id": supplier.id,
                                "location_dest_id": self.warehouse.lot_stock_id.id,
                            }
                        )
                        for product in products
                    ],
                }
            )
            receipt.action_confirm()
        order = self._order([(product, 1) for product in products], confirm=False)
        self.env.flush_all()
        self.env.invalidate_all()
        lines = order.order_line
        self.env.add_to_compute(lines._fields["promised_date"], lines)
        before = self.env.cr.sql_log_count
        lines.fetch(["promised_date"])
        lines.mapped("promised_date")
        queries = self.env.cr.sql_log_count - before
        expected = {
            line: self._days(line.product_id.sale_delay + 1 + {"stock": 0, "receipt": 5}.get(supply, 0))
            for line in lines
        }
        if supply == "vendor":
            expected = {
                line: self._days(line.product_id.sale_delay + 1 + line.product_id.seller_ids.delay)
                for line in lines
            }
        if self.env.company.resource_calendar_id:  # Monday to Friday
            for line, day in expected.items():
                while day.weekday() >= 5:
                    day += timedelta(days=1)
                expected[line] = day
        self.assertEqual({line: line.promised_date for line in lines}, expected, supply)
        return queries

    def test_promise_queries_do_not_grow_with_lines(self):
        self.env.company.resource_calendar_id = self.calendar
        self.assertEqual(self._promise_queries(5), self._promise_queries(40))

    def test_promise_queries_do_not_grow_with_lines_to_replenish(self):
        """Out of stock too: incoming receipts and vendor lead times are read for all lines."""
        self.env.company.resource_calendar_id = self.calendar
        for supply in ("receipt", "vendor"):
            with self.subTest(supply=supply):
                self.assertEqual(self._promise_queries(5, supply), self._promise_queries(40, supply))
