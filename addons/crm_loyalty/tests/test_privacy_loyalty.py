"""Issue 14, privacy: a customer's loyalty data is exported with him and anonymized with him
(points and ledger intact); purchase-triggered emails respect marketing consent."""

import json
from datetime import date

from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .test_triggers import TriggerCase


@tagged("post_install", "-at_install")
class TestPrivacyLoyalty(TriggerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="loyalty_privacy_manager", groups="sales_team.group_sale_manager"
        )
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Thank you",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "subject": "Thank you",
                "body_html": "<p>Thank you for your first order</p>",
                "email_to": "{{ object.email }}",
            }
        )

    def mail_trigger(self):
        return self.trigger(condition="first_order", action="mail", mail_template_id=self.template.id)

    def mails_to(self, partner):
        return self.env["mail.mail"].search(
            [("email_to", "ilike", partner.email), ("subject", "=", "Thank you")]
        )

    def test_trigger_email_reaches_a_consenting_customer(self):
        trigger = self.mail_trigger()
        self.order(50)
        self.assertEqual(trigger.log_ids.partner_id, self.customer)
        self.assertTrue(self.mails_to(self.customer))

    def test_trigger_email_skips_a_blacklisted_customer(self):
        trigger = self.mail_trigger()
        self.env["mail.blacklist"]._add(self.customer.email)
        self.order(50)
        self.assertFalse(trigger.log_ids)
        self.assertFalse(self.mails_to(self.customer))

    def test_trigger_email_skips_who_withdrew_consent(self):
        trigger = self.mail_trigger()
        self.customer.crm_marketing_opt_out = True
        self.order(50)
        self.Trigger._cron_run_triggers()  # also rewards the demo customers' recent orders
        self.assertNotIn(self.customer, trigger.log_ids.partner_id)
        self.assertFalse(self.mails_to(self.customer))
        # coupons are not marketing emails: still issued
        coupon = self.trigger(condition="first_order")
        self.Trigger._cron_run_triggers()
        self.assertIn(self.customer, coupon.log_ids.partner_id)

    def test_export_and_anonymize_keep_the_points(self):
        trigger = self.trigger(
            condition="nth_order", order_count=1, action="points", program_id=self.program.id, points=5
        )
        self.customer.crm_birthday = date(1990, 5, 17)
        self.order(100)
        self.order(30)
        card = self.card()
        ledger = self.env["crm.loyalty.ledger"].search([("partner_id", "=", self.customer.id)])
        before = (card.points, sum(ledger.mapped("issued")), sum(ledger.mapped("used")), len(ledger))
        _name, content = self.customer.with_user(self.manager)._crm_export_json()
        loyalty = json.loads(content)["loyalty"]
        self.assertEqual(loyalty["birthday"], "1990-05-17")
        self.assertEqual({c["code"]: c["points"] for c in loyalty["cards"]}[card.code], card.points)
        self.assertEqual(len(loyalty["ledger"]), len(ledger))

        self.customer.with_user(self.manager).action_anonymize_customer()
        self.env.invalidate_all()
        self.assertFalse(self.customer.crm_birthday)
        self.assertFalse(self.customer.email)
        self.assertFalse(trigger.log_ids.description)
        self.assertEqual(trigger.log_ids.points, 5, "the reward stays")
        ledger = self.env["crm.loyalty.ledger"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(
            (card.points, sum(ledger.mapped("issued")), sum(ledger.mapped("used")), len(ledger)), before
        )
        self.assert_ledger_consistent(card)

    def test_privacy_lookup_finds_rewards(self):
        """Rewards issued are deleted with the contact, so core's lookup skips them: declared."""
        trigger = self.trigger(condition="first_order")
        self.order(50)
        queries = self.env["res.partner"]._crm_privacy_lookup_queries(
            self.customer.email, SQL("SELECT %s", self.customer.id)
        )
        self.env.flush_all()
        self.env.cr.execute(SQL(" UNION ALL ").join(queries))
        log_model = self.env["ir.model"]._get_id("crm.loyalty.trigger.log")
        found = {res_id for model_id, res_id, _active in self.env.cr.fetchall() if model_id == log_model}
        logs = self.env["crm.loyalty.trigger.log"].search([("partner_id", "=", self.customer.id)])
        self.assertIn(trigger.log_ids.id, found)
        self.assertEqual(found, set(logs.ids), "his rewards, of every trigger, and no one else's")
