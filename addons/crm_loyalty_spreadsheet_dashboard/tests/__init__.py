from . import test_loyalty_dashboard
