from odoo.addons.crm_loyalty.tests.test_triggers import TriggerCase
from odoo.addons.sms.tests.common import MockSMS
from odoo.exceptions import ValidationError
from odoo.tests import tagged

LAYLA = "+32456002201"


@tagged("post_install", "-at_install")
class TestTriggerSms(MockSMS, TriggerCase):
    """A purchase-triggered reward tells the customer by SMS through core's SMS notification:
    once per reward, to his number, never to a blacklisted one, in his chatter and timeline.
    Core's SMS gateway mock stands in for IAP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref("crm_loyalty_sms.sms_template_trigger_reward")
        cls.customer.mobile = LAYLA

    def trigger(self, **vals):
        return super().trigger(**{"condition": "first_order", "sms_template_id": self.template.id, **vals})

    def sms_messages(self, partner):
        return self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id), ("message_type", "=", "sms")]
        )

    def test_reward_sends_the_sms_once_to_the_customer(self):
        trigger = self.trigger()
        with self.mockSMSGateway():
            order = self.order(50)
            self.assertEqual(trigger.log_ids.order_id, order)
            self.assertEqual(len(self._new_sms), 1, "one SMS for the reward")
            sms = self._new_sms
            self.assertEqual(sms.partner_id, self.customer)
            self.assertEqual(sms.number, LAYLA)
            self.assertEqual(sms.state, "outgoing", "queued: the confirmation does not wait for the gateway")
            self.assertIn("Layla Loyal", sms.body)
            self.assertIn("a reward is waiting for you", sms.body)
            self.assertEqual(self._sms, [])
            # core's SMS queue sends it to the customer's number
            self.env["sms.sms"].sudo()._process_queue(ids=sms.ids)
            self.assertEqual([s["number"] for s in self._sms], [LAYLA])
            # the same reward again (the cron's catch-up, a second order): no second SMS (the
            # catch-up may reward the demo customers' first orders: only Layla's are looked at)
            self.env["crm.loyalty.trigger"]._run_on_orders(order)
            trigger.action_run_now()
            self.order(60)
        self.assertEqual(len(trigger.log_ids.filtered(lambda log: log.partner_id == self.customer)), 1)
        self.assertEqual(self._new_sms.filtered(lambda s: s.partner_id == self.customer), sms)
        # in the customer's chatter, and so in his timeline
        message = self.sms_messages(self.customer)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.notification_ids.res_partner_id, self.customer)
        self.env.flush_all()
        rows = self.env["crm.partner.timeline"].search(
            [("partner_id", "=", self.customer.id), ("channel", "=", "sms")]
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.kind, "message")
        self.assertEqual((rows.res_model, rows.res_id), ("res.partner", self.customer.id))
        self.assertIn("a reward is waiting for you", rows.name)

    def test_sms_beside_an_email_reward(self):
        mail_template = self.env["mail.template"].create(
            {"name": "Thanks", "model_id": self.env["ir.model"]._get_id("res.partner"), "subject": "Thanks"}
        )
        trigger = self.trigger(action="mail", mail_template_id=mail_template.id)
        with self.mockSMSGateway():
            self.order(50)
        self.assertEqual(len(trigger.log_ids), 1)
        self.assertEqual(trigger.log_ids.description, "Email: Thanks", "the email reward is sent")
        self.assertEqual(self._new_sms.partner_id, self.customer, "and the SMS beside it")

    def test_no_sms_without_template_or_number_or_when_blacklisted(self):
        no_template = self.trigger(sms_template_id=False)
        with self.mockSMSGateway():
            self.order(50)
        self.assertEqual(len(no_template.log_ids), 1, "the reward is issued")
        self.assertFalse(self._new_sms)
        self.assertFalse(self.sms_messages(self.customer))

        Partner = self.env["res.partner"]
        blacklisted = Partner.create({"name": "Blocked", "mobile": "+32456002202"})
        self.env["phone.blacklist"].create({"number": "+32456002202"})
        no_phone = Partner.create({"name": "No Phone", "email": "nophone@example.com"})
        reachable = Partner.create({"name": "Reachable", "phone": "+32456002203"})
        # withdrew his marketing consent: rewarded, never told by SMS
        opted_out = Partner.create(
            {"name": "Opted Out", "phone": "+32456002204", "crm_marketing_opt_out": True}
        )
        segment = self.env["crm.customer.segment"].create(
            {
                "name": "Four",
                "rule_domain": repr([("id", "in", (blacklisted | no_phone | reachable | opted_out).ids)]),
            }
        )
        segment._refresh_members()
        trigger = self.trigger(condition="segment", segment_id=segment.id, period="year")
        with self.mockSMSGateway():
            trigger.action_run_now()
            self.env["sms.sms"].sudo()._process_queue(ids=self._new_sms.ids)
        self.assertEqual(
            trigger.log_ids.partner_id, blacklisted | no_phone | reachable | opted_out, "all rewarded"
        )
        self.assertEqual(self._new_sms.partner_id, reachable)
        self.assertEqual([s["number"] for s in self._sms], ["+32456002203"])
        self.assertFalse(self.sms_messages(blacklisted))
        self.assertFalse(self.sms_messages(no_phone))
        self.assertFalse(self.sms_messages(opted_out))

    def test_template_must_be_for_contacts(self):
        order_template = self.env["sms.template"].create(
            {"name": "Order", "model_id": self.env["ir.model"]._get_id("sale.order"), "body": "x"}
        )
        with self.assertRaises(ValidationError):
            self.trigger(sms_template_id=order_template.id)
        trigger = self.trigger()
        with self.assertRaises(ValidationError):
            trigger.sms_template_id = order_template

    def test_template_translated_for_the_customer(self):
        for code in ("ar_001", "fa_IR", "th_TH"):
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"].search([("name", "=", "crm_loyalty_sms")])._update_translations(
            ["ar_001", "fa_IR", "th_TH"]
        )
        english = self.template.body
        for code in ("ar_001", "fa_IR", "th_TH"):
            with self.subTest(lang=code):
                body = self.template.with_context(lang=code).body
                self.assertTrue(body)
                self.assertNotEqual(body, english)
                self.assertIn("{{ object.name }}", body)
        self.customer.lang = "ar_001"
        self.trigger()
        with self.mockSMSGateway():
            self.order(50)
        self.assertIn("Layla Loyal", self._new_sms.body)
        self.assertNotIn("reward is waiting", self._new_sms.body)
