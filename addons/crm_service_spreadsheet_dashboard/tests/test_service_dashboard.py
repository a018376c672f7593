from odoo.addons.crm_extended_spreadsheet_dashboard.tests.common import DashboardChecks
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestServiceDashboard(DashboardChecks, TransactionCase):
    dashboard_xmlid = "crm_service_spreadsheet_dashboard.spreadsheet_dashboard_service"
    manager_group_xmlids = ("crm_extended.group_crm_service_manager",)
