from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestPurchaseTriggers(LoyaltyCase):
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
