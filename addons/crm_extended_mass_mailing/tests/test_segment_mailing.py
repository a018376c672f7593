from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSegmentMailing(TransactionCase):
    """A campaign to a segment through core's Email Marketing: sent to exactly the members at
    the moment of sending, the blacklist respected, results shown on the segment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.marketer = cls.env["res.users"].create(
            {
                "name": "Mona Marketer",
                "login": "crm_mm_marketer",
                "email": "mona@example.com",
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("mass_mailing.group_mass_mailing_user").id,
                            cls.env.ref("sales_team.group_sale_manager").id,
                        ]
                    )
                ],
            }
        )
        Partner = cls.env["res.partner"]
        cls.vip_a = Partner.create({"name": "VIP A", "email": "vip.a@example.com", "comment": "vip"})
        cls.vip_b = Partner.create({"name": "VIP B", "email": "vip.b@example.com", "comment": "vip"})
        cls.vip_blacklisted = Partner.create(
            {"name": "VIP Blacklisted", "email": "vip.bl@example.com", "comment": "vip"}
        )
        cls.other = Partner.create({"name": "Not VIP", "email": "other@example.com"})
        cls.env["mail.blacklist"].create({"email": "vip.bl@example.com"})
        cls.segment = cls.env["crm.customer.segment"].create(
            {"name": "VIP", "rule_domain": "[('comment', 'ilike', 'vip')]", "company_id": False}
        )
        cls.segment._refresh_members()

    def _create_mailing(self):
        action = self.segment.with_user(self.marketer).action_create_mailing()
        mailing = self.env["mailing.mailing"].browse(action["res_id"])
        mailing.body_html = "<p>Hello</p>"
        return mailing

    def _recipients(self, mailing):
        traces = self.env["mailing.trace"].search([("mass_mailing_id", "=", mailing.id)])
        sent = traces.filtered(lambda t: t.trace_status != "cancel")
        return self.env["res.partner"].browse(sent.mapped("res_id")), traces

    def test_mailing_reaches_the_members_when_sent(self):
        mailing = self._create_mailing()
        self.assertEqual(mailing.crm_segment_id, self.segment)
        self.assertEqual(mailing.mailing_model_real, "res.partner")
        self.assertTrue(mailing.campaign_id, "the segment's campaign attributes the results")
        self.assertEqual(self.segment.utm_campaign_id, mailing.campaign_id)
        # a customer who matches the rule after the mailing was drafted is a member when it leaves
        late = self.env["res.partner"].create(
            {"name": "VIP Late", "email": "vip.late@example.com", "comment": "vip"}
        )
        self.assertNotIn(late, self.segment.partner_ids)
        mailing.keep_archives = True  # keep the mails to look at them
        mailing.action_send_mail()
        recipients, traces = self._recipients(mailing)
        self.assertEqual(recipients, self.vip_a | self.vip_b | late)
        # the blacklisted member is skipped as core skips him: a cancelled trace, no mail
        blacklisted = traces.filtered(lambda t: t.res_id == self.vip_blacklisted.id)
        self.assertEqual(blacklisted.trace_status, "cancel")
        # the mails: one per member with an address that may receive it
        mails = (
            self.env["mail.mail"].sudo().search([("mailing_id", "=", mailing.id), ("state", "!=", "cancel")])
        )
        addresses = set(mails.mapped("email_to")) | set(mails.recipient_ids.mapped("email"))
        self.assertEqual(
            addresses - {False}, {"vip.a@example.com", "vip.b@example.com", "vip.late@example.com"}
        )
        self.assertNotIn(self.other.id, traces.mapped("res_id"))
        # the segment shows its mailing and the results
        self.segment.invalidate_recordset()
        self.assertEqual(self.segment.mailing_count, 1)
        self.assertEqual(self.segment.mailing_ids.sent, 3)

    def test_members_who_withdrew_consent_are_not_reached(self):
        """A member who withdrew his marketing consent, or whose company did, and an anonymized
        one get nothing from a segment mailing, not even a trace; he may join the segment later
        than the consent was withdrawn."""
        Partner = self.env["res.partner"]
        company = Partner.create({"name": "VIP Corp", "is_company": True, "crm_marketing_opt_out": True})
        employee = Partner.create(
            {
                "name": "VIP Employee",
                "email": "vip.emp@example.com",
                "comment": "vip",
                "parent_id": company.id,
            }
        )
        self.vip_b.crm_marketing_opt_out = True
        mailing = self._create_mailing()
        mailing.action_send_mail()
        recipients, traces = self._recipients(mailing)
        self.assertEqual(recipients, self.vip_a)
        self.assertFalse(traces.filtered(lambda t: t.res_id in (self.vip_b | employee).ids))
        # without the segment, core's own rule applies as before: the consent flag is ours
        self.assertIn(employee, self.segment.partner_ids)

    def test_a_second_mailing_reuses_the_campaign(self):
        first = self._create_mailing()
        second = self._create_mailing()
        self.assertEqual(first.campaign_id, second.campaign_id)
        self.assertEqual(self.segment.with_user(self.marketer).mailing_count, 2)

    def test_rfm_segments_are_shipped(self):
        at_risk = self.env.ref("crm_extended_mass_mailing.segment_rfm_at_risk")
        champion = self.env["res.partner"].create({"name": "Champion", "email": "champ@example.com"})
        self.env.cr.execute("UPDATE res_partner SET rfm_segment = 'at_risk' WHERE id = %s", [champion.id])
        self.env["res.partner"].invalidate_model(["rfm_segment"])
        action = at_risk.with_user(self.marketer).action_create_mailing()
        mailing = self.env["mailing.mailing"].browse(action["res_id"])
        mailing.body_html = "<p>We miss you</p>"
        mailing.action_send_mail()
        recipients, _traces = self._recipients(mailing)
        self.assertIn(champion, recipients)

    def test_only_marketing_users_create_mailings(self):
        salesman = self.env["res.users"].create(
            {
                "name": "Sam Sales",
                "login": "crm_mm_sales",
                "groups_id": [Command.set([self.env.ref("sales_team.group_sale_salesman").id])],
            }
        )
        with self.assertRaises(UserError):
            self.segment.with_user(salesman).action_create_mailing()
        self.assertFalse(self.segment.utm_campaign_id)
