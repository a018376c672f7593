import calendar
import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models, tools
from odoo.addons.crm_extended.models.res_partner import RFM_SEGMENTS
from odoo.exceptions import ValidationError
from odoo.tools import SQL, split_every

_logger = logging.getLogger(__name__)

CONDITIONS = [
    ("first_order", "First order"),
    ("nth_order", "Nth order"),
    ("product_bought", "Product bought"),
    ("category_bought", "Product category bought"),
    ("spend_over", "Spent over an amount in a period"),
    ("rfm_segment", "Entered an RFM segment"),
    ("segment", "In a customer segment"),
    ("no_purchase", "No purchase for N days"),
    ("birthday", "Birthday"),
]
BIRTHDAY_CATCH_UP_DAYS = 7
MAX_ORDER_COUNT = 10_000
MAX_DAYS = 3650
MAX_AMOUNT = 1_000_000_000_000
MAX_POINTS = 10_000_000
ORDER_CONDITIONS = ("first_order", "nth_order", "product_bought", "category_bought", "spend_over")
# rewarded for an order: checked at confirmation and caught up by the cron over the orders
# confirmed since the trigger's last run (spend_over is a state of the customer: the cron checks
# it for every customer)
PER_ORDER_CONDITIONS = ("first_order", "nth_order", "product_bought", "category_bought")
FIRST_RUN_CATCH_UP_DAYS = 7  # a trigger's first run (no watermark yet) looks this far back
WATERMARK_OVERLAP = timedelta(hours=1)  # orders committed late by a concurrent confirmation
ORDER_BATCH = 1000
ACTIONS = [
    ("coupon", "Issue a coupon"),
    ("points", "Grant bonus points"),
    ("mail", "Send an email"),
    ("activity", "Schedule an activity"),
]


class CrmLoyaltyTrigger(models.Model):
    """A reward issued when a customer's purchases meet a condition: on order confirmation
    (order conditions) and by a daily cron (all conditions; order conditions over the orders
    confirmed since the trigger's last successful run, `last_run_date`). One reward per
    customer, trigger and period, guaranteed by a unique key on the log."""

    _name = "crm.loyalty.trigger"
    _description = "Purchase-Triggered Reward"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    condition = fields.Selection(CONDITIONS, required=True, default="first_order", tracking=True)
    order_count = fields.Integer(
        "Nth Order", default=1, help="The customer's confirmed order number that triggers."
    )
    product_ids = fields.Many2many("product.product", string="Products")
    category_ids = fields.Many2many("product.category", string="Product Categories")
    amount = fields.Monetary("Spent Over", currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_days = fields.Integer("In the Last (days)", default=365)
    rfm_segment = fields.Selection(RFM_SEGMENTS, "RFM Segment")
    segment_id = fields.Many2one("crm.customer.segment", string="Customer Segment", check_company=True)
    days = fields.Integer("Days Without Purchase", default=90)
    action = fields.Selection(ACTIONS, required=True, default="coupon", tracking=True)
    coupon_program_id = fields.Many2one(
        "loyalty.program",
        string="Coupon Program",
        domain=[("program_type", "=", "coupons")],
        check_company=True,
    )
    program_id = fields.Many2one(
        "loyalty.program",
        string="Loyalty Program",
        domain=[("program_type", "=", "loyalty")],
        check_company=True,
    )
    points = fields.Float("Bonus Points")
    mail_template_id = fields.Many2one(
        "mail.template", string="Email Template", domain=[("model", "=", "res.partner")]
    )
    activity_type_id = fields.Many2one("mail.activity.type", string="Activity Type")
    activity_summary = fields.Char("Activity Summary")
    activity_user_id = fields.Many2one(
        "res.users", string="Assigned To", help="Empty: the customer's salesperson, else you."
    )
    period = fields.Selection(
        [("once", "Once per customer"), ("year", "Once a year"), ("month", "Once a month")],
        required=True,
        default="once",
        help="A customer gets this reward at most once in this period.",
    )
    log_ids = fields.One2many("crm.loyalty.trigger.log", "trigger_id", string="Issued")
    last_run_date = fields.Datetime(
        "Last Run",
        readonly=True,
        copy=False,
        help="When the cron or Run Now last ran this trigger successfully: its next run checks the "
        "orders confirmed since then. Set by those runs only.",
    )
    log_count = fields.Integer(compute="_compute_log_count", string="Rewards Issued")

    def _compute_log_count(self):
        counts = dict(
            self.env["crm.loyalty.trigger.log"]._read_group(
                [("trigger_id", "in", self.ids)], ["trigger_id"], ["__count"]
            )
        )
        for trigger in self:
            trigger.log_count = counts.get(trigger, 0)

    @api.constrains(
        "condition", "order_count", "product_ids", "category_ids", "amount", "period_days", "rfm_segment",
        "segment_id", "days", "action", "coupon_program_id", "program_id", "points", "mail_template_id",
        "activity_type_id",
    )  # fmt: skip
    def _check_trigger(self):
        for trigger in self:
            condition, action = trigger.condition, trigger.action
            # bounded whatever the condition: dates far beyond overflow in Python and PostgreSQL
            if not 1 <= trigger.order_count <= MAX_ORDER_COUNT:
                raise ValidationError(_("The order number must be between 1 and %s.", MAX_ORDER_COUNT))
            if not 0 <= trigger.period_days <= MAX_DAYS or not 0 <= trigger.days <= MAX_DAYS:
                raise ValidationError(_("Periods and numbers of days must be between 0 and %s.", MAX_DAYS))
            if not 0 <= trigger.amount <= MAX_AMOUNT:
                raise ValidationError(_("The amount must be between 0 and %s.", MAX_AMOUNT))
            if not 0 <= trigger.points <= MAX_POINTS:
                raise ValidationError(_("Bonus points must be between 0 and %s.", MAX_POINTS))
            if condition == "nth_order" and trigger.order_count < 1:
                raise ValidationError(_("The order number must be 1 or more."))
            if condition == "product_bought" and not trigger.product_ids:
                raise ValidationError(_("Choose the products that trigger the reward."))
            if condition == "category_bought" and not trigger.category_ids:
                raise ValidationError(_("Choose the product categories that trigger the reward."))
            if condition == "spend_over" and (trigger.amount <= 0 or trigger.period_days <= 0):
                raise ValidationError(_("The amount and the period must be positive."))
            if condition == "rfm_segment" and not trigger.rfm_segment:
                raise ValidationError(_("Choose the RFM segment."))
            if condition == "segment" and not trigger.segment_id:
                raise ValidationError(_("Choose the customer segment."))
            if condition == "no_purchase" and trigger.days <= 0:
                raise ValidationError(_("The number of days without purchase must be positive."))
            if action == "coupon" and not trigger.coupon_program_id:
                raise ValidationError(_("Choose the coupon program the coupon comes from."))
            if action == "points" and (not trigger.program_id or trigger.points <= 0):
                raise ValidationError(
                    _("Bonus points need a loyalty program and a positive number of points.")
                )
            if action == "mail" and not trigger.mail_template_id:
                raise ValidationError(_("Choose the email template."))
            if action == "activity" and not trigger.activity_type_id:
                raise ValidationError(_("Choose the activity type."))

    # ------------------------------------------------------------------ evaluation

    def _period_key(self, today):
        self.ensure_one()
        return {"once": "once", "year": f"{today:%Y}", "month": f"{today:%Y-%m}"}[self.period]

    @api.model
    def _active_triggers(self, company_ids, conditions):
        return self.sudo().browse(self._active_trigger_ids(tuple(sorted(company_ids)), tuple(conditions)))

    @api.model
    @tools.ormcache("company_ids", "conditions")
    def _active_trigger_ids(self, company_ids, conditions):
        # asked on every order confirmation, and triggers change rarely: cached, and the cache
        # is cleared whenever a trigger is created, changed or deleted
        return tuple(
            self.sudo()
            .search([("condition", "in", conditions), ("company_id", "in", [*company_ids, False])])
            .ids
        )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        # the watermark is bookkeeping: set by the runs only (_set_last_run_date), never by vals
        return super().create([{k: v for k, v in vals.items() if k != "last_run_date"} for vals in vals_list])

    def write(self, vals):
        self.env.registry.clear_cache()
        vals = {k: v for k, v in vals.items() if k != "last_run_date"}
        reactivated = self.filtered(lambda t: not t.active) if vals.get("active") else self.browse()
        result = super().write(vals)
        # a trigger switched off is off: back on, it starts from now, not from its last run
        reactivated._set_last_run_date(fields.Datetime.now())
        return result

    def _set_last_run_date(self, when):
        """In SQL: no write() (which clears the trigger cache), no tracking, no vals."""
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE crm_loyalty_trigger SET last_run_date = %s WHERE id = ANY(%s)",
                when,
                self.ids,
            )
        )
        self.invalidate_recordset(["last_run_date"])

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    def _run_on_orders(self, orders):
        """Order conditions, for the customers of just-confirmed orders (a few grouped queries)."""
        orders = orders.filtered(lambda o: o.state == "sale")
        if not orders:
            return self.env["crm.loyalty.trigger.log"]
        triggers = self._active_triggers(orders.company_id.ids, ORDER_CONDITIONS)
        if triggers:
            triggers = triggers.exists()  # a cache filled by a transaction that rolled back
        if not triggers:
            return self.env["crm.loyalty.trigger.log"]
        today = fields.Date.context_today(self)
        logs = self.env["crm.loyalty.trigger.log"]
        for trigger in triggers:
            logs |= trigger._reward_orders(orders, today)
        return logs

    def _reward_orders(self, orders, today):
        """Reward the customers of `orders` (confirmed) that meet this order condition: the one
        path of the confirmation and of the cron's catch-up. The period of a reward for an order
        is the one of the order's confirmation day (see _order_day), so whichever path sees the
        order first, the other finds its key taken; spend_over counts in today's period, as the
        cron's check of every customer does."""
        self.ensure_one()
        if self.company_id:
            orders = orders.filtered(lambda o: o.company_id == self.company_id)
        by_key = {}  # period key: (a day of the period, {customer: order})
        for order in self._eligible_for_orders(orders, today).sorted(lambda o: (o.date_order, o.id)):
            day = today if self.condition == "spend_over" else self._order_day(order)
            by_partner = by_key.setdefault(self._period_key(day), (day, {}))[1]
            by_partner.setdefault(order.partner_id.commercial_partner_id, order)
        logs = self.env["crm.loyalty.trigger.log"]
        for day, by_partner in by_key.values():
            logs |= self._issue(by_partner, today, period_date=day)
        return logs

    @api.model
    def _order_day(self, order):
        """The day an order counts in: its confirmation (date_order) in its company's timezone,
        the same whoever runs the check (the confirming user, the cron)."""
        tz = order.company_id.sudo().partner_id.tz or "UTC"
        return fields.Date.context_today(self.with_context(tz=tz), timestamp=order.date_order)

    def _nth_orders(self, orders, wanted):
        """The orders among `orders` that are their customer's `wanted`-th confirmed order (in
        the trigger's company), in order of date then id. One statement for the batch."""
        self.env["sale.order"].flush_model(["state", "partner_id", "company_id", "date_order"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM (
                    SELECT so.id, row_number() OVER (
                               PARTITION BY p.commercial_partner_id ORDER BY so.date_order, so.id
                           ) AS nth
                      FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                     WHERE so.state = 'sale'
                       AND (%(company)s IS NULL OR so.company_id = %(company)s)
                       AND p.commercial_partner_id IN (
                               SELECT cp.commercial_partner_id
                                 FROM sale_order o JOIN res_partner cp ON cp.id = o.partner_id
                                WHERE o.id = ANY(%(orders)s))
                ) ranked
                 WHERE nth = %(wanted)s AND id = ANY(%(orders)s)
                """,
                orders=orders.ids,
                company=self.company_id.id or None,
                wanted=wanted,
            )
        )
        return orders.browse([r[0] for r in self.env.cr.fetchall()])

    def _spenders(self, partners, today):
        """Commercial partners (among `partners`, or all when None) whose confirmed orders in the
        period add up to the amount (untaxed, in company currency). Added up per company: a
        trigger shared by all companies never adds amounts of different currencies."""
        self.env["sale.order"].flush_model(
            ["state", "partner_id", "company_id", "date_order", "amount_untaxed"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id
                  FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.date_order >= %(since)s
                   AND (%(company)s IS NULL OR so.company_id = %(company)s)
                   AND (%(all)s OR p.commercial_partner_id = ANY(%(partners)s))
              GROUP BY p.commercial_partner_id, so.company_id
                HAVING SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)) >= %(amount)s
                """,
                since=today - relativedelta(days=self.period_days),
                company=self.company_id.id or None,
                all=partners is None,
                partners=partners.ids if partners is not None else [],
                amount=self.amount,
            )
        )
        return self.env["res.partner"].browse(list(dict.fromkeys(r[0] for r in self.env.cr.fetchall())))

    def _eligible_for_orders(self, orders, today):
        """The orders among `orders` (confirmed) that meet this order condition: the one rule of
        first order, Nth order, product and category bought, for the confirmation and the cron."""
        self.ensure_one()
        if self.condition in ("first_order", "nth_order"):
            return self._nth_orders(orders, 1 if self.condition == "first_order" else self.order_count)
        if self.condition == "spend_over":
            spenders = self._spenders(orders.partner_id.commercial_partner_id, today)
            return orders.filtered(lambda o: o.partner_id.commercial_partner_id in spenders)
        lines = orders.order_line.filtered(lambda line: not line.is_reward_line)
        if self.condition == "product_bought":
            lines = lines.filtered(lambda line: line.product_id in self.product_ids)
        elif self.condition == "category_bought":
            categories = self.env["product.category"].search([("id", "child_of", self.category_ids.ids)])
            lines = lines.filtered(lambda line: line.product_id.categ_id in categories)
        else:
            return self.env["sale.order"]
        return lines.order_id

    def _eligible_by_state(self, today):
        """Customer-state conditions, for every customer at once (the cron)."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        company = [("company_id", "in", [self.company_id.id, False])] if self.company_id else []
        if self.condition == "rfm_segment":
            return Partner.search([("rfm_segment", "=", self.rfm_segment), *company])
        if self.condition == "segment":
            partners = self.segment_id.partner_ids.commercial_partner_id
            if self.company_id:
                partners = partners.filtered(lambda p: not p.company_id or p.company_id == self.company_id)
            return partners
        if self.condition == "no_purchase":
            return Partner.search(
                [
                    ("order_count", ">", 0),
                    ("last_order_date", "<=", today - relativedelta(days=self.days)),
                    *company,
                ]
            )
        if self.condition == "birthday":
            return Partner.union(*self._birthdays(today).values())
        if self.condition == "spend_over":
            return self._spenders(None, today)
        return Partner

    def _birthdays(self, today):
        """{birthday this year: customers}, for the birthdays of the last few days: a day the
        cron did not run (server down) is caught up. 29 February counts on 1 March in other
        years."""
        days = {}
        for n in range(BIRTHDAY_CATCH_UP_DAYS):
            day = today - relativedelta(days=n)
            days[(day.month, day.day)] = day
            if (day.month, day.day) == (3, 1) and not calendar.isleap(day.year):
                days[(2, 29)] = day
        Partner = self.env["res.partner"]
        Partner.flush_model(["crm_birthday", "active", "company_id"])
        # a trigger of a company rewards that company's customers and the shared ones only
        self.env.cr.execute(
            SQL(
                """
                SELECT extract(month FROM crm_birthday)::int, extract(day FROM crm_birthday)::int,
                       array_agg(id)
                  FROM res_partner
                 WHERE active AND crm_birthday IS NOT NULL
                   AND (extract(month FROM crm_birthday)::int, extract(day FROM crm_birthday)::int) IN %(days)s
                   AND (%(company)s IS NULL OR company_id IS NULL OR company_id = %(company)s)
              GROUP BY 1, 2
                """,
                days=tuple(days),
                company=self.company_id.id or None,
            )
        )
        result = defaultdict(lambda: Partner)
        for month, day, ids in self.env.cr.fetchall():
            result[days[(month, day)]] |= Partner.browse(ids)
        return dict(result)

    def _run_state_condition(self, today):
        """Reward the customers who meet this customer-state condition today."""
        self.ensure_one()
        no_order = self.env["sale.order"]
        if self.condition == "birthday":
            # the period is the one of the birthday, not of the (maybe late) run: one reward
            # per birthday even when the catch-up crosses into a new month or year
            logs = self.env["crm.loyalty.trigger.log"]
            for birthday, partners in self._birthdays(today).items():
                logs |= self._issue(dict.fromkeys(partners, no_order), today, period_date=birthday)
            return logs
        return self._issue(dict.fromkeys(self._eligible_by_state(today), no_order), today)

    def _catch_up_orders(self, today):
        """Order conditions over the orders confirmed since the last successful run (less an
        overlap for confirmations committed late; the log's key makes a second look harmless),
        or over the last FIRST_RUN_CATCH_UP_DAYS days on the first run: orders confirmed while
        the trigger did not exist yet or the confirmation did not reward them. In batches, a few
        statements each."""
        self.ensure_one()
        if self.last_run_date:
            since = self.last_run_date - WATERMARK_OVERLAP
        else:
            since = fields.Datetime.now() - timedelta(days=FIRST_RUN_CATCH_UP_DAYS)
        domain = [("state", "=", "sale"), ("date_order", ">=", since)]
        if self.company_id:
            domain.append(("company_id", "=", self.company_id.id))
        Order = self.env["sale.order"]
        logs = self.env["crm.loyalty.trigger.log"]
        for batch in split_every(ORDER_BATCH, Order.search(domain, order="date_order, id").ids, Order.browse):
            logs |= self._reward_orders(batch, today)
        return logs

    def _run(self, today):
        """Everything the cron checks for this trigger; moves its watermark when it succeeds."""
        self.ensure_one()
        started = fields.Datetime.now()
        if self.condition in PER_ORDER_CONDITIONS:
            logs = self._catch_up_orders(today)
        else:
            logs = self._run_state_condition(today)
        self._set_last_run_date(started)
        return logs

    @api.model
    def _cron_run_triggers(self, today=None):
        """Every active trigger, each in its own savepoint: one that fails (a mail template, a
        program) keeps its watermark and is caught up on the next run, the others go on."""
        today = today or fields.Date.context_today(self)
        logs = self.env["crm.loyalty.trigger.log"]
        for trigger in self.sudo().search([]):
            try:
                with self.env.cr.savepoint():
                    logs |= trigger._run(today)
            except psycopg2.OperationalError:
                raise  # concurrency: the whole cron is retried
            except Exception:
                _logger.exception(
                    "Purchase-triggered reward %s failed; caught up on the next run", trigger.id
                )
        return logs

    # ------------------------------------------------------------------ rewards

    def _issue(self, order_by_partner, today, period_date=None):
        """Reserve the (trigger, customer, period) keys first — INSERT ... ON CONFLICT DO
        NOTHING, so two runs at once cannot both win — then reward only the new ones."""
        self.ensure_one()
        if not order_by_partner:
            return self.env["crm.loyalty.trigger.log"]
        Log = self.env["crm.loyalty.trigger.log"].sudo()
        if self.action == "mail":
            # marketing consent and core's blacklist: res.partner._crm_marketing_domain; no key
            # is reserved for a customer the email may not reach
            allowed = self.env["res.partner"].union(*order_by_partner)._crm_marketing_allowed("email")
            order_by_partner = {p: o for p, o in order_by_partner.items() if p in allowed}
            if not order_by_partner:
                return Log.browse()
        period_key = self._period_key(period_date or today)
        partners = list(order_by_partner)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_loyalty_trigger_log
                       (trigger_id, partner_id, order_id, period_key, date, action, company_id,
                        create_uid, write_uid, create_date, write_date)
                SELECT %(trigger)s, p, NULLIF(o, 0), %(key)s, %(today)s, %(action)s, %(company)s,
                       %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM unnest(%(partners)s::int[], %(orders)s::int[]) AS t(p, o)
           ON CONFLICT (trigger_id, partner_id, period_key) DO NOTHING
             RETURNING id
                """,
                trigger=self.id,
                key=period_key,
                today=today,
                action=self.action,
                company=self.company_id.id or None,
                uid=self.env.uid,
                partners=[p.id for p in partners],
                orders=[order_by_partner[p].id or 0 for p in partners],
            )
        )
        logs = Log.browse(r[0] for r in self.env.cr.fetchall())
        self.invalidate_recordset(["log_ids", "log_count"])  # rows written in SQL
        if logs:
            getattr(self, f"_reward_{self.action}")(logs)
        return logs

    def _reward_coupon(self, logs):
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .create(
                [
                    {"program_id": self.coupon_program_id.id, "partner_id": log.partner_id.id, "points": 1}
                    for log in logs
                ]
            )
        )
        for log, card in zip(logs, cards, strict=True):
            log.write({"coupon_id": card.id, "description": _("Coupon %s", card.code)})

    def _reward_points(self, logs):
        description = _("Reward: %s", self.name)
        self.program_id.sudo()._crm_award_points(
            [(log.partner_id, self.points, log, description) for log in logs]
        )
        logs.write({"points": self.points, "description": _("%s bonus points", self.points)})

    def _reward_mail(self, logs):
        for log in logs:
            self.mail_template_id.send_mail(log.partner_id.id)
        logs.write({"description": _("Email: %s", self.mail_template_id.name)})

    def _reward_activity(self, logs):
        for log in logs:
            user = self.activity_user_id or log.partner_id.user_id or self.env.user
            log.partner_id.activity_schedule(
                activity_type_id=self.activity_type_id.id,
                summary=self.activity_summary or self.name,
                user_id=user.id,
            )
        logs.write({"description": _("Activity: %s", self.activity_summary or self.activity_type_id.name)})

    def action_view_logs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Rewards Issued"),
            "res_model": "crm.loyalty.trigger.log",
            "view_mode": "list,pivot",
            "domain": [("trigger_id", "=", self.id)],
        }

    def action_run_now(self):
        """Run these triggers now as the daily cron does, whatever their condition."""
        # rewards are issued and orders read as superuser below, as the cron does: only who may
        # change the triggers runs them
        self.check_access("write")
        today = fields.Date.context_today(self)
        logs = self.env["crm.loyalty.trigger.log"]
        for trigger in self.sudo():
            logs |= trigger._run(today)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _("%s rewards issued.", len(logs)),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
