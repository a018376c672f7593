from datetime import date, timedelta
from unittest.mock import patch

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import LoyaltyCase


class TriggerCase(LoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.coupons = cls.env["loyalty.program"].create(
            {
                "name": "Trigger Coupons",
                "program_type": "coupons",
                "reward_ids": [Command.create({"reward_type": "discount", "discount": 10})],
            }
        )
        cls.Trigger = cls.env["crm.loyalty.trigger"]
        cls.special = cls.env["product.product"].create(
            {"name": "Special Tea", "list_price": 20.0, "type": "consu", "taxes_id": False}
        )

    def trigger(self, **vals):
        return self.Trigger.create(
            {"name": "T", "action": "coupon", "coupon_program_id": self.coupons.id, **vals}
        )

    def coupons_of(self, partner):
        return self.env["loyalty.card"].search(
            [("partner_id", "=", partner.id), ("program_id", "=", self.coupons.id)]
        )


@tagged("post_install", "-at_install")
class TestPurchaseTriggers(TriggerCase):
    def test_first_order_once_even_when_run_again(self):
        trigger = self.trigger(condition="first_order")
        order = self.order(50)
        self.assertEqual(len(trigger.log_ids), 1)
        self.assertEqual(trigger.log_ids.order_id, order)
        self.assertEqual(len(self.coupons_of(self.customer)), 1)
        self.Trigger._run_on_orders(order)  # again: idempotent
        self.order(60)  # second order is not a first order
        self.assertEqual(len(trigger.log_ids), 1)
        self.assertEqual(len(self.coupons_of(self.customer)), 1)
        self.assertEqual(trigger.log_ids.coupon_id, self.coupons_of(self.customer))

    def test_nth_order_grants_bonus_points_in_the_ledger(self):
        trigger = self.trigger(
            condition="nth_order", order_count=2, action="points", program_id=self.program.id, points=25
        )
        self.order(10)
        card = self.card()
        self.assertEqual(card.points, 10)
        self.order(10)
        self.assertEqual(card.points, 10 + 10 + 25)
        bonus = card.crm_ledger_ids.filtered(lambda h: h.order_model == "crm.loyalty.trigger.log")
        self.assertEqual(bonus.issued, 25)
        self.assertEqual(bonus.entry_type, "earn")
        second = self.env["sale.order"].search(
            [("partner_id", "=", self.customer.id)], order="id desc", limit=1
        )
        self.assertEqual(bonus._get_order_description(), f"{trigger.name} ({second.name})")
        self.order(10)
        self.assertEqual(card.points, 55, "the third order does not trigger")
        self.assert_ledger_consistent(card)

    def test_product_and_category_bought(self):
        by_product = self.trigger(condition="product_bought", product_ids=[Command.set(self.special.ids)])
        category = self.env["product.category"].create({"name": "Teas"})
        sub = self.env["product.category"].create({"name": "Green teas", "parent_id": category.id})
        self.product.categ_id = sub
        by_category = self.trigger(condition="category_bought", category_ids=[Command.set(category.ids)])
        self.order(30)
        self.assertFalse(by_product.log_ids)
        self.assertEqual(by_category.log_ids.partner_id, self.customer, "sub-categories count")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.special.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        self.assertEqual(by_product.log_ids.order_id, order)

    def test_spend_over_in_period_and_monthly_period(self):
        trigger = self.trigger(condition="spend_over", amount=100, period_days=30, period="month")
        self.order(60)
        self.assertFalse(trigger.log_ids)
        self.order(50)
        self.assertEqual(len(trigger.log_ids), 1, "110 spent in 30 days")
        self.Trigger._cron_run_triggers()
        mine = trigger.log_ids.filtered(lambda log: log.partner_id == self.customer)
        self.assertEqual(len(mine), 1, "once this month")
        next_month = fields.Date.context_today(trigger).replace(day=1) + timedelta(days=32)
        self.env["sale.order"].search([("partner_id", "=", self.customer.id)]).date_order = next_month
        self.Trigger._cron_run_triggers(today=next_month)
        mine = trigger.log_ids.filtered(lambda log: log.partner_id == self.customer)
        self.assertEqual(len(mine), 2, "a new month, a new reward")
        self.assertEqual(len(set(mine.mapped("period_key"))), 2)

    def test_cron_conditions_rfm_no_purchase_birthday(self):
        activity = self.env.ref("mail.mail_activity_data_todo")
        rfm = self.trigger(condition="rfm_segment", rfm_segment="at_risk", action="activity",
                           activity_type_id=activity.id, activity_summary="Call back")  # fmt: skip
        sleeping = self.trigger(condition="no_purchase", days=90, period="year")
        birthday = self.trigger(condition="birthday", period="year")
        order = self.order(40)
        order.date_order = date.today() - timedelta(days=120)
        self.env["res.partner"]._refresh_customer_360([self.customer.id])
        self.customer.crm_birthday = date(1990, date.today().month, min(date.today().day, 28))
        self.env.cr.execute(
            "UPDATE res_partner SET rfm_segment = 'at_risk' WHERE id = %s", [self.customer.id]
        )
        self.customer.invalidate_recordset()
        self.Trigger._cron_run_triggers(today=self.customer.crm_birthday.replace(year=date.today().year))
        self.assertIn(self.customer, rfm.log_ids.partner_id)
        self.assertIn("Call back", self.customer.activity_ids.mapped("summary"))
        self.assertIn(self.customer, sleeping.log_ids.partner_id)
        self.assertIn(self.customer, birthday.log_ids.partner_id)
        issued = len(rfm.log_ids | sleeping.log_ids | birthday.log_ids)
        self.Trigger._cron_run_triggers()
        self.assertEqual(len(rfm.log_ids | sleeping.log_ids | birthday.log_ids), issued, "idempotent")

    def test_company_of_the_trigger(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        coupons = self.coupons.copy({"company_id": other.id})
        trigger = self.trigger(condition="first_order", company_id=other.id, coupon_program_id=coupons.id)
        self.order(50)
        self.assertFalse(trigger.log_ids, "a trigger of another company does not fire")

    def test_bad_input_is_refused(self):
        with self.assertRaises(ValidationError):
            self.trigger(condition="nth_order", order_count=0)
        with self.assertRaises(ValidationError):
            self.trigger(condition="first_order", action="points", program_id=self.program.id, points=0)
        with self.assertRaises(ValidationError):
            self.trigger(condition="first_order", coupon_program_id=False)
        with self.assertRaises(ValidationError):
            self.trigger(condition="spend_over", amount=-5)

    def test_birthday_cron_catches_up_missed_days_once(self):
        trigger = self.trigger(condition="birthday", period="month")
        Partner = self.env["res.partner"]
        jan30, jan31, jan20, feb29, dec31 = Partner.create(
            [
                {"name": "Born 30 Jan", "crm_birthday": date(1990, 1, 30)},
                {"name": "Born 31 Jan", "crm_birthday": date(1985, 1, 31)},
                {"name": "Born 20 Jan", "crm_birthday": date(1970, 1, 20)},
                {"name": "Born 29 Feb", "crm_birthday": date(1992, 2, 29)},
                {"name": "Born 31 Dec", "crm_birthday": date(1980, 12, 31)},
            ]
        )

        def rewarded(partner):
            return trigger.log_ids.filtered(lambda log: log.partner_id == partner)

        self.Trigger._cron_run_triggers(today=date(2026, 12, 31))
        self.assertEqual(rewarded(dec31).period_key, "2026-12")
        self.Trigger._cron_run_triggers(today=date(2027, 1, 30))
        self.assertEqual(len(rewarded(jan30)), 1)
        # no run on 31 January: the run of 2 February catches up, within the birthday's month
        self.Trigger._cron_run_triggers(today=date(2027, 2, 2))
        self.assertEqual(rewarded(jan31).period_key, "2027-01")
        self.assertEqual(len(rewarded(jan30)), 1, "one reward per birthday, even in a new month")
        self.assertFalse(rewarded(jan20), "a birthday older than the catch-up window is not rewarded")
        self.Trigger._cron_run_triggers(today=date(2027, 1, 5))
        self.assertEqual(len(rewarded(dec31)), 1, "nor twice across a new year")
        # born on 29 February: celebrated on 1 March in other years, once
        self.Trigger._cron_run_triggers(today=date(2027, 2, 28))
        self.assertFalse(rewarded(feb29))
        self.Trigger._cron_run_triggers(today=date(2027, 3, 1))
        self.Trigger._cron_run_triggers(today=date(2027, 3, 3))
        self.assertEqual(rewarded(feb29).mapped("period_key"), ["2027-03"])


@tagged("post_install", "-at_install")
class TestTriggersCatchUp(TriggerCase):
    """Issue 13, item 6: the cron (and Run Now) checks order conditions too, over the orders
    confirmed since the trigger's last successful run, once per customer and period. The
    assertions look at this test's customers only: demo orders are recent too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.partner"].create({"name": "Omar Other"})
        cls.late = cls.env["res.partner"].create({"name": "Lina Late"})

    def order_for(self, partner, product=None):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": (product or self.product).id, "product_uom_qty": 1})
                ],
            }
        )
        order.action_confirm()
        return order

    def logs_of(self, trigger, partner):
        trigger.invalidate_recordset()
        return trigger.log_ids.filtered(lambda log: log.partner_id == partner)

    def hook_down(self):
        """The confirmation does not reach the triggers (the trigger did not exist yet for it)."""
        return patch.object(type(self.Trigger), "_run_on_orders", lambda self, orders: None)

    def test_cron_catches_up_a_trigger_created_after_the_orders_once(self):
        first = self.order(50)
        self.order(60)
        other_first = self.order_for(self.other)
        old = self.order_for(self.late)
        old.date_order = fields.Datetime.now() - timedelta(days=10)
        trigger = self.trigger(condition="first_order")
        self.assertFalse(trigger.log_ids)
        self.assertFalse(trigger.last_run_date)

        self.Trigger._cron_run_triggers()
        self.assertEqual(
            self.logs_of(trigger, self.customer).order_id,
            first,
            "the customer's first order, though he has confirmed a second one since",
        )
        self.assertEqual(self.logs_of(trigger, self.other).order_id, other_first)
        self.assertFalse(self.logs_of(trigger, self.late), "the first run looks back 7 days only")
        self.assertEqual(len(self.coupons_of(self.customer)), 1)
        self.assertTrue(trigger.last_run_date)

        self.assertFalse(self.Trigger._cron_run_triggers().filtered(lambda log: log.trigger_id == trigger))
        self.assertEqual(len(self.logs_of(trigger, self.customer)), 1, "a second run issues nothing")
        self.assertEqual(len(self.logs_of(trigger, self.other)), 1)
        self.assertEqual(len(self.coupons_of(self.customer)), 1)
        self.assertEqual(len(self.coupons_of(self.other)), 1)

    def test_cron_catches_up_an_order_the_confirmation_missed(self):
        trigger = self.trigger(
            condition="product_bought", product_ids=[Command.set(self.special.ids)], period="month"
        )
        self.Trigger._cron_run_triggers()
        self.assertTrue(trigger.last_run_date)
        trigger._set_last_run_date(trigger.last_run_date - timedelta(minutes=30))  # the run of 30 min ago
        watermark = trigger.last_run_date
        with self.hook_down():
            missed = self.order_for(self.customer, self.special)
            before = self.order_for(self.late, self.special)
        before.date_order = watermark - timedelta(hours=2)  # before the last run: not read again
        seen = self.order_for(self.other, self.special)  # the confirmation rewards it at once
        self.assertEqual(trigger.log_ids.partner_id, self.other)
        self.assertEqual(trigger.log_ids.order_id, seen)

        # the cron runs on the first day of next month: a reward counts in its order's month
        today = fields.Date.context_today(trigger)
        next_month = today.replace(day=1) + timedelta(days=32)
        self.Trigger._cron_run_triggers(today=next_month.replace(day=1))
        mine = self.logs_of(trigger, self.customer)
        self.assertEqual(mine.order_id, missed, "caught up")
        self.assertEqual(mine.period_key, f"{trigger._order_day(missed):%Y-%m}")
        self.assertEqual(
            len(self.logs_of(trigger, self.other)),
            1,
            "the order the confirmation rewarded is not rewarded again in another period",
        )
        self.assertFalse(self.logs_of(trigger, self.late))
        self.assertGreater(trigger.last_run_date, watermark)
        self.Trigger._cron_run_triggers()
        self.assertEqual(len(self.logs_of(trigger, self.customer) | self.logs_of(trigger, self.other)), 2)
        self.assertEqual(len(self.coupons_of(self.customer)), 1)

    def test_nth_order_caught_up_on_the_nth_order(self):
        trigger = self.trigger(
            condition="nth_order", order_count=2, action="points", program_id=self.program.id, points=25
        )
        self.Trigger._cron_run_triggers()
        with self.hook_down():
            self.order(10)
            second = self.order(10)
            self.order(10)
        self.assertFalse(self.logs_of(trigger, self.customer))
        self.Trigger._cron_run_triggers()
        self.assertEqual(self.logs_of(trigger, self.customer).order_id, second)
        card = self.card()
        self.assertEqual(card.points, 30 + 25)
        self.assert_ledger_consistent(card)

    def test_run_now_works_for_order_conditions_and_stays_a_managers_act(self):
        form = etree.fromstring(self.env.ref("crm_loyalty.crm_loyalty_trigger_view_form").arch)
        [button] = form.xpath("//button[@name='action_run_now']")
        self.assertFalse(button.get("invisible"), "Run Now is shown whatever the condition")
        self.assertEqual(button.get("groups"), "crm_loyalty.group_crm_loyalty_manager")

        category = self.env["product.category"].create({"name": "Teas"})
        self.special.categ_id = category
        order = self.order_for(self.customer, self.special)  # sold by the superuser, not the manager
        trigger = self.trigger(condition="category_bought", category_ids=[Command.set(category.ids)])
        user = new_test_user(self.env, login="loyalty_user_13", groups="crm_loyalty.group_crm_loyalty_user")
        manager = new_test_user(
            self.env, login="loyalty_manager_13", groups="crm_loyalty.group_crm_loyalty_manager"
        )
        with self.assertRaises(AccessError):
            trigger.with_user(user).action_run_now()
        self.assertFalse(trigger.log_ids)
        self.assertFalse(trigger.last_run_date)

        result = trigger.with_user(manager).action_run_now()
        self.assertEqual(result["params"]["message"], "1 rewards issued.")
        self.assertEqual(self.logs_of(trigger, self.customer).order_id, order)
        self.assertTrue(trigger.last_run_date)
        trigger.with_user(manager).action_run_now()
        self.assertEqual(len(self.coupons_of(self.customer)), 1)

    def test_watermark_moves_only_on_success_and_only_by_a_run(self):
        self.order(50)
        coupon = self.trigger(condition="first_order")
        points = self.trigger(condition="first_order", action="points", program_id=self.program.id, points=5)
        with (
            patch.object(type(self.Trigger), "_reward_coupon", side_effect=UserError("mail server down")),
            mute_logger("odoo.addons.crm_loyalty.models.crm_loyalty_trigger"),
        ):
            self.Trigger._cron_run_triggers()
        self.assertFalse(self.logs_of(coupon, self.customer), "the failed run's reservations are rolled back")
        self.assertFalse(coupon.last_run_date, "the watermark stays where it was")
        self.assertTrue(self.logs_of(points, self.customer), "the other triggers go on")
        self.assertTrue(points.last_run_date)

        self.Trigger._cron_run_triggers()
        self.assertTrue(self.logs_of(coupon, self.customer), "caught up on the next run")
        self.assertEqual(len(self.coupons_of(self.customer)), 1)
        self.assertTrue(coupon.last_run_date)

        # bookkeeping: never taken from vals; a trigger switched back on starts from now
        coupon.write({"last_run_date": "2000-01-01 00:00:00", "name": "Renamed"})
        self.assertNotEqual(coupon.last_run_date, fields.Datetime.to_datetime("2000-01-01 00:00:00"))
        created = self.trigger(condition="first_order", last_run_date="2000-01-01 00:00:00")
        self.assertFalse(created.last_run_date)
        created.active = False
        before = fields.Datetime.now().replace(microsecond=0)
        created.active = True
        self.assertGreaterEqual(created.last_run_date, before)
