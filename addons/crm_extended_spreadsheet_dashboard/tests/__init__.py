from . import test_customers_dashboard, test_ui_dashboards
