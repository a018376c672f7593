from . import test_cockpit, test_install, test_order_to_cash_state
