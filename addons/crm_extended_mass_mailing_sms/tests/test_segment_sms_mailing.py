from odoo.addons.sms.tests.common import SMSCase
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

MARKETING = "mass_mailing.group_mass_mailing_user"

VIP_A, VIP_B, VIP_BLACKLISTED, VIP_LATE, NOT_VIP = (
    "+32456001101",
    "+32456001102",
    "+32456001103",
    "+32456001104",
    "+32456001109",
)


@tagged("post_install", "-at_install")
class TestSegmentSmsMailing(SMSCase):
    """A campaign to a segment through core's SMS Marketing: sent to exactly the members with a
    phone at the moment of sending, the phone blacklist respected, results on the segment, each
    SMS in the customer's timeline. Core's SMS gateway mock stands in for IAP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.marketer = new_test_user(
            cls.env,
            login="crm_sms_marketer",
            name="Sara SMS",
            groups=f"{MARKETING},sales_team.group_sale_manager",
        )
        Partner = cls.env["res.partner"]
        cls.vip_a = Partner.create({"name": "VIP A", "mobile": VIP_A, "comment": "vip"})
        cls.vip_b = Partner.create({"name": "VIP B", "phone": VIP_B, "comment": "vip"})
        cls.vip_blacklisted = Partner.create(
            {"name": "VIP Blacklisted", "mobile": VIP_BLACKLISTED, "comment": "vip"}
        )
        cls.vip_no_phone = Partner.create(
            {"name": "VIP No Phone", "email": "nophone@example.com", "comment": "vip"}
        )
        cls.other = Partner.create({"name": "Not VIP", "mobile": NOT_VIP})
        cls.env["phone.blacklist"].create({"number": VIP_BLACKLISTED})
        cls.segment = cls.env["crm.customer.segment"].create(
            {"name": "VIP", "rule_domain": "[('comment', 'ilike', 'vip')]", "company_id": False}
        )
        cls.segment._refresh_members()

    def _create_sms_mailing(self, user=None):
        action = self.segment.with_user(user or self.marketer).action_create_sms_mailing()
        self.assertEqual(action["res_model"], "mailing.mailing")
        mailing = self.env["mailing.mailing"].browse(action["res_id"])
        mailing.body_plaintext = "VIP night on Friday"
        return mailing

    def test_sms_mailing_reaches_the_members_with_a_phone_when_sent(self):
        mailing = self._create_sms_mailing()
        self.assertEqual(mailing.mailing_type, "sms")
        self.assertEqual(mailing.crm_segment_id, self.segment)
        self.assertEqual(mailing.mailing_model_real, "res.partner")
        self.assertTrue(mailing.keep_archives, "the SMS are kept in the customers' chatter")
        self.assertTrue(mailing.campaign_id)
        self.assertEqual(self.segment.utm_campaign_id, mailing.campaign_id)
        # a customer who matches the rule after the mailing was drafted is a member when it leaves
        late = self.env["res.partner"].create({"name": "VIP Late", "mobile": VIP_LATE, "comment": "vip"})
        self.assertNotIn(late, self.segment.partner_ids)
        mailing.sms_force_send = True  # straight to the gateway instead of core's SMS queue
        with self.mockSMSGateway():
            mailing.action_send_mail()
        # the gateway received exactly one SMS per member with a phone that may receive it
        self.assertEqual(sorted(sms["number"] for sms in self._sms), [VIP_A, VIP_B, VIP_LATE])
        self.assertEqual({sms["body"] for sms in self._sms}, {"VIP night on Friday"})
        sms_by_partner = {
            sms.partner_id: sms for sms in self._new_sms.filtered(lambda s: s.mailing_id == mailing)
        }
        self.assertEqual(
            set(sms_by_partner), {self.vip_a, self.vip_b, self.vip_blacklisted, self.vip_no_phone, late}
        )
        # the blacklisted number and the member without a phone are skipped as core skips them
        self.assertEqual(sms_by_partner[self.vip_blacklisted].state, "canceled")
        self.assertEqual(sms_by_partner[self.vip_blacklisted].failure_type, "sms_blacklist")
        self.assertEqual(sms_by_partner[self.vip_no_phone].state, "canceled")
        self.assertEqual(sms_by_partner[self.vip_no_phone].failure_type, "sms_number_missing")
        traces = self.env["mailing.trace"].search([("mass_mailing_id", "=", mailing.id)])
        reached = traces.filtered(lambda t: t.trace_status != "cancel")
        self.assertEqual(set(reached.mapped("res_id")), {self.vip_a.id, self.vip_b.id, late.id})
        self.assertNotIn(self.other.id, traces.mapped("res_id"))
        # each SMS sent is in the customer's timeline
        self.env.flush_all()
        rows = self.env["crm.partner.timeline"].search(
            [("partner_id", "=", self.vip_a.id), ("channel", "=", "sms")]
        )
        self.assertEqual(rows.mapped("kind"), ["message"])
        self.assertIn("VIP night on Friday", rows.name)
        self.assertFalse(
            self.env["crm.partner.timeline"].search(
                [("partner_id", "=", self.other.id), ("channel", "=", "sms")]
            )
        )
        # the segment shows the SMS mailing among its mailings
        self.segment.invalidate_recordset()
        self.assertEqual(self.segment.mailing_ids, mailing)
        self.assertEqual(self.segment.mailing_count, 1)

    def test_email_and_sms_mailings_share_the_segment_campaign(self):
        action = self.segment.with_user(self.marketer).action_create_mailing()
        email = self.env["mailing.mailing"].browse(action["res_id"])
        sms = self._create_sms_mailing()
        self.assertEqual(email.mailing_type, "mail")
        self.assertFalse(email.keep_archives)
        self.assertEqual(sms.campaign_id, email.campaign_id)
        self.assertEqual(sms.mailing_domain, email.mailing_domain, "one live membership for both")
        self.assertEqual(self.segment.with_user(self.marketer).mailing_count, 2)
        self.assertIn(sms, email.campaign_id.mailing_sms_ids)

    def test_only_marketing_users_create_sms_mailings(self):
        salesman = new_test_user(self.env, login="crm_sms_sales", groups="sales_team.group_sale_manager")
        with self.assertRaises(UserError):
            self.segment.with_user(salesman).action_create_sms_mailing()
        self.assertFalse(self.segment.utm_campaign_id)
        self.assertFalse(self.env["mailing.mailing"].search([("crm_segment_id", "=", self.segment.id)]))

    def test_segment_form_offers_the_sms_mailing_to_marketers(self):
        Segment = self.env["crm.customer.segment"]
        arch = Segment.with_user(self.marketer).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="action_create_sms_mailing"', arch)
        self.assertIn('name="action_create_mailing"', arch)
        self.assertIn('name="bounced"', arch)
        salesman = new_test_user(self.env, login="crm_sms_sales_view", groups="sales_team.group_sale_manager")
        arch = Segment.with_user(salesman).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("action_create_sms_mailing", arch)
