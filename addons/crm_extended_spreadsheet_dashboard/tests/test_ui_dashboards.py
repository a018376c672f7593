from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestDashboardsTour(HttpCase):
    def test_dashboards_render(self):
        """Each dashboard of the suite installed opens in the browser and draws its charts."""
        dashboards = self.env.ref("crm_extended_spreadsheet_dashboard.spreadsheet_dashboard_group_crm_suite")
        self.assertIn(
            self.env.ref("crm_extended_spreadsheet_dashboard.spreadsheet_dashboard_customers"),
            dashboards.published_dashboard_ids,
        )
        self.start_tour("/odoo/dashboards", "crm_suite_dashboards_tour", login="admin")
