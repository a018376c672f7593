from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCrmLoyaltyInstall(TransactionCase):
    def test_admin_is_loyalty_manager(self):
        self.assertTrue(self.env.ref("base.user_admin").has_group("crm_loyalty.group_crm_loyalty_manager"))

    def test_menu_under_crm_suite(self):
        menu = self.env.ref("crm_loyalty.menu_crm_loyalty_programs")
        self.assertEqual(menu.parent_id.parent_id, self.env.ref("crm_extended.menu_crm_suite_root"))
