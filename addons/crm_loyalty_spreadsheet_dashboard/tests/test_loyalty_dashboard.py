from odoo.addons.crm_extended_spreadsheet_dashboard.tests.common import DashboardChecks
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestLoyaltyDashboard(DashboardChecks, TransactionCase):
    dashboard_xmlid = "crm_loyalty_spreadsheet_dashboard.spreadsheet_dashboard_loyalty"
    manager_group_xmlids = ("crm_loyalty.group_crm_loyalty_manager",)
