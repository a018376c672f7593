from . import test_install, test_payment_flow, test_return_reverses_points
