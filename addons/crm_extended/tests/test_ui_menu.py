from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCustomersMenuTour(HttpCase):
    def test_customers_app_opens_a_customer(self):
        self.start_tour("/odoo", "crm_suite_customers_tour", login="admin")
