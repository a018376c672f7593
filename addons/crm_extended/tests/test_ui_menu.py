from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCustomersMenuTour(HttpCase):
    def test_customers_app_opens_a_customer(self):
        self.start_tour("/odoo", "crm_suite_customers_tour", login="admin")

    def test_360_tab_and_duplicates_queue(self):
        self.start_tour("/odoo", "crm_suite_360_tour", login="admin")
        pair = self.env["crm.duplicate.candidate"].search(
            [("partner_a_id", "=", self.env.ref("crm_extended.partner_demo_gulf_spice").id)]
        )
        self.assertEqual(pair.state, "dismissed")
