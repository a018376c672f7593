"""The lookup's "Anonymize customer" over JSON-RPC: the suite's own rights check applies, also
to a settings administrator who may use the lookup."""

from odoo.addons.crm_extended.tests.rpc import RpcAttackCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestSecurityRpcPrivacyLookup(RpcAttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_user("system", "base.group_system")
        cls.customer = cls.env["res.partner"].create({"name": "Lookup Victim", "email": "victim@example.com"})
        wizard = cls.env["privacy.lookup.wizard"].create(
            {"name": "Lookup Victim", "email": "victim@example.com"}
        )
        wizard.action_lookup()
        cls.line = wizard.line_ids.filtered(lambda li: li.res_model == "res.partner")

    def test_anonymize_from_lookup_refused(self):
        for who in ("portal", "employee", "salesman", "sales_admin", "system"):
            self.assertRpcRefused(
                who,
                "privacy.lookup.wizard.line",
                "action_crm_anonymize_customer",
                [self.line.ids],
                context={"crm_privacy_trusted": True},
            )
        self.assertEqual(self.customer.email, "victim@example.com")
        self.assertFalse(self.customer.crm_anonymized_date)
