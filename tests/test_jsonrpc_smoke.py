"""End to end: a real server answers a client over JSON-RPC with the suite installed."""

import unittest

from tests import odoo_harness as h


class TestJsonRpcSmoke(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = h.unique_db("crm_suite_smoke")
        h.create_db(cls.db, template=h.core_template())
        rc, log = h.install(cls.db, ["crm_extended"])
        if rc != 0:
            h.drop_db(cls.db)
            raise RuntimeError(f"installing crm_extended failed:\n{log[-3000:]}")

    @classmethod
    def tearDownClass(cls):
        h.drop_db(cls.db)

    def test_login_create_and_read_back(self):
        with h.OdooServer(self.db) as server:
            version = server.jsonrpc("common", "version")
            self.assertTrue(version["server_version"].startswith("18.0"))

            uid = server.jsonrpc("common", "login", self.db, "admin", "admin")
            self.assertTrue(uid, "admin could not log in")
            self.assertFalse(server.jsonrpc("common", "login", self.db, "admin", "wrong"))

            def call(model, method, *args, **kwargs):
                return server.jsonrpc(
                    "object", "execute_kw", self.db, uid, "admin", model, method, list(args), kwargs
                )

            partner_id = call(
                "res.partner",
                "create",
                {"name": "شركة النخيل", "email": "info@nakheel.example.com", "is_company": True},
            )
            lead_id = call(
                "crm.lead",
                "create",
                {"name": "Palm oil supply", "partner_id": partner_id, "expected_revenue": 12500},
            )
            [lead] = call("crm.lead", "read", [lead_id], fields=["name", "partner_id", "expected_revenue"])
            self.assertEqual(lead["name"], "Palm oil supply")
            self.assertEqual(lead["partner_id"][0], partner_id)
            self.assertEqual(lead["expected_revenue"], 12500)
            [partner] = call("res.partner", "read", [partner_id], fields=["name", "email"])
            self.assertEqual(partner["name"], "شركة النخيل")
            found = call("crm.lead", "search", [("partner_id", "=", partner_id)])
            self.assertEqual(found, [lead_id])
            installed = call(
                "ir.module.module",
                "search_count",
                [("name", "=", "crm_extended"), ("state", "=", "installed")],
            )
            self.assertEqual(installed, 1)


if __name__ == "__main__":
    unittest.main()
