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
        lines = goods.sorted(lambda line: (line.order_id.id, line.sequence, line.id or 0))
        needs = {}
        for line in lines:
            if line.product_id.is_storable and line.order_id.warehouse_id:
                qty = line.product_uom._compute_quantity(
                    line.product_uom_qty, line.product_id.uom_id, raise_if_failure=False
                )
                key = (line.order_id.id, line.order_id.warehouse_id.id, line.product_id.id)
                taken[key] += qty
                needs[line] = taken[key]
        ready = self._promise_ready_datetimes(needs, now)
        for line in lines:
            lead = (line.customer_lead or 0.0) + (line.order_id.company_id.security_lead or 0.0)
            wanted[line] = (ready.get(line, now) + timedelta(days=lead)).date()
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

    @api.model
    def _promise_ready_datetimes(self, needs, now):
        """{line: when the quantity ``needs[line]`` of its product is free in its order's warehouse}.

        Free is on hand minus what other deliveries take; short of it, incoming receipts to the
        warehouse in date order; short of them, the vendor lead time. Read for all the lines at
        once (stock per warehouse, one search of the incoming moves, the vendors of every
        product together): the query count does not depend on the number of lines.
        """
        result = {}
        by_warehouse = defaultdict(list)
        for line in needs:
            by_warehouse[line.order_id.warehouse_id].append(line)
        free = {}
        for warehouse, lines in by_warehouse.items():
            products = self.env["product.product"].with_context(warehouse_id=warehouse.id)
            products = products.browse({line.product_id.id for line in lines})
            for product in products:
                free[warehouse.id, product.id] = product.qty_available - product.outgoing_qty
        short = {
            line: qty
            for line, qty in needs.items()
            if free[line.order_id.warehouse_id.id, line.product_id.id] < qty
        }
        result.update(dict.fromkeys(set(needs) - set(short), now))
        if not short:
            return result
        incoming = defaultdict(list)
        moves = self.env["stock.move"].search_fetch(
            [
                ("product_id", "in", [line.product_id.id for line in short]),
                ("state", "in", ("waiting", "confirmed", "partially_available", "assigned")),
                ("location_dest_id.warehouse_id", "in", [line.order_id.warehouse_id.id for line in short]),
                ("location_id.usage", "not in", ("internal", "view")),
            ],
            ["product_id", "product_qty", "date", "location_dest_id"],
            order="date, id",
        )
        for move in moves:
            incoming[move.location_dest_id.warehouse_id.id, move.product_id.id].append(move)
        for line, qty in short.items():
            key = line.order_id.warehouse_id.id, line.product_id.id
            available = free[key]
            for move in incoming[key]:
                available += move.product_qty
                if available >= qty:
                    result[line] = max(move.date, now)
                    break
            else:
                product = line.product_id
                seller = (
                    product._select_seller(quantity=qty - available, uom_id=product.uom_id)
                    or (product.seller_ids[:1])
                )
                result[line] = now + timedelta(days=seller.delay or 0)
        return result
