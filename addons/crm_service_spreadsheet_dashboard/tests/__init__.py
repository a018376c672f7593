from . import test_service_dashboard
