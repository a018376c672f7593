from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCrmExtendedInstall(TransactionCase):
    def test_menu_opens_customers(self):
        menu = self.env.ref("crm_extended.menu_crm_suite_customers")
        self.assertEqual(menu.action.res_model, "res.partner")
        self.assertEqual(menu.parent_id, self.env.ref("crm_extended.menu_crm_suite_root"))

    def test_arabic_demo_customer(self):
        partner = self.env.ref("crm_extended.partner_demo_dar_alkutub")
        self.assertEqual(partner.country_id.code, "SA")
        self.assertIn("دار", partner.name)
