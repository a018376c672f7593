from bisect import bisect_left
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models

# how far past the latest wanted day a working day is looked for (holidays, closures)
WORKING_DAY_HORIZON = 60


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    promised_date = fields.Date(
        "Promised Date",
        compute="_compute_promised_date",
        store=True,
        copy=False,
        help="Date the customer can be promised for this line: when the warehouse has the "
        "quantity free (on hand minus other deliveries, then incoming receipts in date order, "
        "else the vendor lead time), plus the customer lead time and the company security lead "
        "time, moved to a working day of the company calendar. Frozen once the order is "
        "confirmed. Services, which are not delivered, have none.",
    )

    @api.depends(
        "product_id",
        "product_uom_qty",
        "product_uom",
        "customer_lead",
        "display_type",
        "order_id.state",
        "order_id.warehouse_id",
        "order_id.company_id.security_lead",
        "order_id.company_id.resource_calendar_id",
    )
    def _compute_promised_date(self):
        now = fields.Datetime.now()
        # A confirmed line keeps its promise; one confirmed before it was ever computed (an
        # order created and confirmed in one transaction, a line added later) gets it now.
        draft = self.filtered(
            lambda line: line.state in ("draft", "sent") or (line.state == "sale" and not line.promised_date)
        )
        for line in draft:
            line.promised_date = False
        # The quantity of a product already promised by earlier lines of the same order.
        taken = defaultdict(float)
        wanted = {}
        # services are not delivered: nothing to promise (and no calendar to read for them)
        goods = draft.filtered(
            lambda line: line.product_id and not line.display_type and line.product_id.type != "service"
        )
        for line in goods.sorted(lambda line: (line.order_id.id, line.sequence, line.id or 0)):
            order = line.order_id
            lead = (line.customer_lead or 0.0) + (order.company_id.security_lead or 0.0)
            ready = now
            if line.product_id.is_storable and order.warehouse_id:
                qty = line.product_uom._compute_quantity(
                    line.product_uom_qty, line.product_id.uom_id, raise_if_failure=False
                )
                key = (order.id, order.warehouse_id.id, line.product_id.id)
                ready = line._promise_ready_datetime(qty + taken[key], now)
                taken[key] += qty
            wanted[line] = (ready + timedelta(days=lead)).date()
        for line, day in self._promise_working_days(wanted).items():
            line.promised_date = day

    @api.model
    def _promise_working_days(self, wanted):
        """{line: first working day on or after its wanted day} in each company's calendar.

        Community warehouses have no calendar of their own: the company's (the one of its
        employees and resources) tells on which days the warehouse ships. One read of each
        calendar's working intervals serves every line, whatever their number.
        """
        result = {}
        by_calendar = defaultdict(dict)
        for line, day in wanted.items():
            by_calendar[line.order_id.company_id.resource_calendar_id][line] = day
        for calendar, days in by_calendar.items():
            if not calendar:
                result.update(days)
                continue
            tz = pytz.timezone(calendar.tz or "UTC")
            start = tz.localize(datetime.combine(min(days.values()), time.min))
            stop = tz.localize(
                datetime.combine(max(days.values()) + timedelta(days=WORKING_DAY_HORIZON), time.max)
            )
            intervals = calendar._work_intervals_batch(start, stop, compute_leaves=True)[False]
            working = sorted({begin.astimezone(tz).date() for begin, _end, _meta in intervals})
            for line, day in days.items():
                index = bisect_left(working, day)
                # no working day within the horizon: the calendar is (nearly) empty, keep the day
                result[line] = working[index] if index < len(working) else day
        return result

    def _promise_ready_datetime(self, qty, now):
        """When ``qty`` of the line's product is free in the order's warehouse."""
        self.ensure_one()
        warehouse = self.order_id.warehouse_id
        product = self.product_id.with_context(warehouse_id=warehouse.id)
        free = product.qty_available - product.outgoing_qty
        if free >= qty:
            return now
        incoming = self.env["stock.move"].search_fetch(
            [
                ("product_id", "=", product.id),
                ("state", "in", ("waiting", "confirmed", "partially_available", "assigned")),
                ("location_dest_id.warehouse_id", "=", warehouse.id),
                ("location_id.usage", "not in", ("internal", "view")),
            ],
            ["product_qty", "date"],
            order="date, id",
        )
        for move in incoming:
            free += move.product_qty
            if free >= qty:
                return max(move.date, now)
        seller = (
            product._select_seller(quantity=qty - free, uom_id=product.uom_id) or (product.seller_ids[:1])
        )
        return now + timedelta(days=seller.delay or 0)
