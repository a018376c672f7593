from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CrmExtendedCase


@tagged("post_install", "-at_install")
class TestSegments(CrmExtendedCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.saudi = cls.make_customer("Riyadh Buyer", country_id=cls.env.ref("base.sa").id)
        cls.egypt = cls.make_customer("Cairo Buyer", country_id=cls.env.ref("base.eg").id)
        cls.segment = cls.env["crm.customer.segment"].create(
            {
                "name": "Saudi customers",
                "rule_domain": "[('country_id.code', '=', 'SA'), ('name', 'like', 'Buyer')]",
            }
        )

    def test_refresh_stores_members(self):
        self.assertFalse(self.segment.partner_ids, "members are stored, not live")
        self.segment.action_refresh()
        self.assertIn(self.saudi, self.segment.partner_ids)
        self.assertNotIn(self.egypt, self.segment.partner_ids)
        self.assertEqual(self.segment.partner_count, len(self.segment.partner_ids))
        self.assertTrue(self.segment.last_refresh)
        self.assertIn(self.segment, self.saudi.segment_ids)
        self.egypt.country_id = self.env.ref("base.sa")
        self.saudi.country_id = self.env.ref("base.eg")
        self.env["crm.customer.segment"]._cron_refresh()
        self.assertIn(self.egypt, self.segment.partner_ids)
        self.assertNotIn(self.saudi, self.segment.partner_ids)

    def test_invalid_domain_is_refused(self):
        with self.assertRaises(ValidationError):
            self.env["crm.customer.segment"].create(
                {"name": "Broken", "rule_domain": "[('no_such_field', '=', 1)]"}
            )
        with self.assertRaises(ValidationError):
            self.segment.rule_domain = "[('name', '=',"

    def test_segment_filters_on_partners_leads_orders(self):
        self.segment.action_refresh()
        order = self.make_order(self.saudi, confirm=False)
        lead = self.env["crm.lead"].create({"name": "Deal", "partner_id": self.saudi.id})
        self.assertIn(self.saudi, self.env["res.partner"].search([("segment_ids", "in", self.segment.ids)]))
        self.assertEqual(
            self.env["sale.order"].search([("customer_segment_ids", "in", self.segment.ids)]), order
        )
        self.assertEqual(
            self.env["crm.lead"].search([("customer_segment_ids", "in", self.segment.ids)]), lead
        )
        self.assertEqual(lead.customer_segment_ids, self.segment)

    def test_actions(self):
        self.segment.action_refresh()
        members = self.env["res.partner"].search(self.segment.action_open_members()["domain"])
        self.assertEqual(members, self.segment.partner_ids)
        url = self.segment.action_export()["url"]
        attachment = self.env["ir.attachment"].browse(int(url.split("/")[3].split("?")[0]))
        self.assertIn(b"Riyadh Buyer", attachment.raw)
        with self.assertRaises(ValidationError):
            self.segment.action_send_email()  # nobody has an email
        self.saudi.email = "buyer@example.com"
        composer = self.segment.action_send_email()
        self.assertEqual(composer["context"]["default_res_ids"], [self.saudi.id])

    def test_rfm_rule(self):
        self.make_order(self.saudi, amount=100, days_ago=1)
        self.env["res.partner"].action_recompute_rfm()
        segment = self.env["crm.customer.segment"].create(
            {"name": "Scored", "rule_domain": "[('rfm_score', '!=', False)]"}
        )
        segment.action_refresh()
        self.assertIn(self.saudi, segment.partner_ids)
        self.assertNotIn(self.egypt, segment.partner_ids)
