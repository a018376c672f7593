from odoo.tests import TransactionCase, tagged

from .common import DashboardChecks


@tagged("post_install", "-at_install")
class TestCustomersDashboard(DashboardChecks, TransactionCase):
    dashboard_xmlid = "crm_extended_spreadsheet_dashboard.spreadsheet_dashboard_customers"
    manager_group_xmlids = ("sales_team.group_sale_manager",)

    def test_rfm_grid_is_a_heat_map(self):
        """The 5 x 5 grid counts the customers by recency and frequency score, coloured by a scale."""
        grid = next(p for p in self.data["pivots"].values() if p["name"] == "RFM grid")
        self.assertEqual(grid["model"], "res.partner")
        self.assertEqual([r["fieldName"] for r in grid["rows"]], ["rfm_recency"])
        self.assertEqual([c["fieldName"] for c in grid["columns"]], ["rfm_frequency"])
        sheet = self.data["sheets"][0]
        cells = [
            cell["content"]
            for cell in sheet["cells"].values()
            if f'PIVOT.VALUE({grid["id"]},"__count","rfm_recency"' in cell.get("content", "")
        ]
        self.assertEqual(len(cells), 25)
        [heat_map] = [cf for cf in sheet["conditionalFormats"] if cf["rule"]["type"] == "ColorScaleRule"]
        self.assertEqual(heat_map["ranges"], ["B9:F13"])
