from odoo.addons.crm_extended_spreadsheet_dashboard.tests.common import DashboardChecks
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestOrderToCashDashboard(DashboardChecks, TransactionCase):
    dashboard_xmlid = "crm_erp_bridge_spreadsheet_dashboard.spreadsheet_dashboard_order_to_cash"
    manager_group_xmlids = (
        "sales_team.group_sale_manager",
        "crm_erp_bridge.group_crm_erp_bridge_back_office",
    )
