from . import test_order_to_cash_dashboard
