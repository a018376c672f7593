"""Issue 14, privacy: anonymizing and exporting a customer over JSON-RPC and the download
route, as every kind of user; context keys do not help."""

from odoo.tests import tagged

from .rpc import RpcAttackCase

# what a client may send hoping to pass a check
CONTEXTS = (None, {"crm_privacy_trusted": True, "active_test": False, "sudo": True, "su": True})


@tagged("post_install", "-at_install")
class TestSecurityRpcPrivacy(RpcAttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Private Customer",
                "is_company": True,
                "email": "private@example.com",
                "company_id": cls.company_a.id,
            }
        )
        cls.interaction = cls.env["crm.interaction"].create(
            {"name": "PRIVATE-CALL", "partner_id": cls.customer.id, "company_id": cls.company_a.id}
        )

    def test_anonymize_refused(self):
        for who in ("portal", "employee", "salesman", "service", "other_company"):
            for context in CONTEXTS:
                self.assertRpcRefused(
                    who, "res.partner", "action_anonymize_customer", [self.customer.ids], context=context
                )
        # the crons run, the customer is untouched
        self.env["res.partner"]._cron_crm_retention()
        self.assertEqual(self.customer.name, "Private Customer")
        self.assertEqual(self.customer.email, "private@example.com")
        self.assertFalse(self.customer.crm_anonymized_date)
        self.assertEqual(self.interaction.name, "PRIVATE-CALL")

    def test_bookkeeping_over_rpc(self):
        self.rpc(
            "sales_admin",
            "res.partner",
            "write",
            [
                self.customer.ids,
                {"crm_anonymized_date": "2020-01-01 00:00:00", "crm_marketing_opt_out_date": "2020-01-01"},
            ],
        )
        self.assertFalse(self.customer.crm_anonymized_date)
        self.assertFalse(self.customer.crm_marketing_opt_out_date)

    def test_export_refused(self):
        for who in ("portal", "employee", "salesman", "service", "other_company"):
            for context in CONTEXTS:
                self.assertRpcRefused(
                    who, "res.partner", "action_export_customer_data", [self.customer.ids], context=context
                )
            self.authenticate(self.users[who].login, self.users[who].login)
            response = self.url_open(f"/crm_extended/customer_data/{self.customer.id}")
            self.assertNotEqual(response.status_code, 200, who)
            self.assertNotIn("private@example.com", response.text, who)

    def test_manager_exports_and_anonymizes(self):
        action = self.rpc("sales_admin", "res.partner", "action_export_customer_data", [self.customer.ids])
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["customer"]["email"], "private@example.com")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        self.rpc("sales_admin", "res.partner", "action_anonymize_customer", [self.customer.ids])
        self.env.invalidate_all()
        self.assertFalse(self.customer.email)
        self.assertTrue(self.customer.crm_anonymized_date)
