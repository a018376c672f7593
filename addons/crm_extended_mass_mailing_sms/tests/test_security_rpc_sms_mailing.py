"""A segment's SMS mailing attacked over JSON-RPC: only Email/SMS Marketing users who may read
the segment create one; a context key never stands in for the right."""

from odoo.addons.crm_extended.tests.rpc import RpcAttackCase
from odoo.tests import tagged

MARKETING = "mass_mailing.group_mass_mailing_user"
# what a client could send hoping to pass for SMS Marketing or to skip a check
CONTEXTS = (
    {"mailing_sms": True, "default_mailing_type": "sms"},
    {"active_test": False, "allowed_company_ids": [], "default_crm_segment_id": 0},
)


@tagged("post_install", "-at_install")
class TestSegmentSmsMailingRpc(RpcAttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # marketing rights without the segments (no sales rights), and with them in each company
        cls.make_user("marketer_only", MARKETING)
        cls.make_user("marketer", f"{MARKETING},sales_team.group_sale_salesman")
        cls.make_user("marketer_b", f"{MARKETING},sales_team.group_sale_manager", company=cls.company_b)
        cls.segment = cls.env["crm.customer.segment"].create(
            {
                "name": "Riyadh VIP",
                "rule_domain": "[('comment', 'ilike', 'vip')]",
                "company_id": cls.company_a.id,
            }
        )

    def mailings(self):
        return self.env["mailing.mailing"].search([("crm_segment_id", "=", self.segment.id)])

    def test_refusals_create_nothing(self):
        seg = self.segment.ids
        rows = [
            # no marketing rights, or no read on the segment (no sales rights, another company)
            *[
                (who, "action_create_sms_mailing", [seg], None)
                for who in (
                    "portal",
                    "employee",
                    "salesman",
                    "sales_admin",
                    "service",
                    "other_company",
                    "marketer_only",
                    "marketer_b",
                )
            ],  # fmt: skip
            # a context key grants nothing
            *[
                (who, "action_create_sms_mailing", [seg], context)
                for who in ("salesman", "sales_admin", "marketer_only")
                for context in CONTEXTS
            ],
            # the steps behind the button are not callable
            ("marketer", "_crm_create_mailing", [seg, "sms"], None),
            ("marketer", "_prepare_mailing_vals", [seg, "sms", 1], None),
        ]
        for who, method, args, context in rows:
            with self.subTest(who=who, method=method, context=context):
                self.assertRpcRefused(who, "crm.customer.segment", method, args, context=context)
        self.assertFalse(self.mailings(), "a refused call left a mailing")
        self.assertFalse(self.segment.utm_campaign_id, "a refused call left a campaign")

    def test_marketer_creates_the_sms_mailing(self):
        action = self.rpc("marketer", "crm.customer.segment", "action_create_sms_mailing", [self.segment.ids])
        self.env.invalidate_all()
        mailing = self.mailings()
        self.assertEqual(action["res_id"], mailing.id)
        self.assertEqual(mailing.mailing_type, "sms")
        self.assertEqual(mailing.campaign_id, self.segment.utm_campaign_id)
        self.assertEqual(mailing.create_uid, self.users["marketer"])
