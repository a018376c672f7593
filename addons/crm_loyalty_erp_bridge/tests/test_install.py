from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestGlueInstall(TransactionCase):
    def test_glue_installed_with_both(self):
        mod = self.env["ir.module.module"].search([("name", "=", "crm_loyalty_erp_bridge")])
        self.assertEqual(mod.state, "installed")
