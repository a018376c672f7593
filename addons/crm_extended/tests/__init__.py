from . import (
    test_customer_360,
    test_data_quality,
    test_duplicates,
    test_install,
    test_rfm,
    test_security_rpc_customer,
    test_segments,
    test_ui_menu,
)
