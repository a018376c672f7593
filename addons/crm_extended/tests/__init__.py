from . import (
    test_customer_360,
    test_customer_360_paths,
    test_data_quality,
    test_duplicates,
    test_install,
    test_install_fill,
    test_privacy,
    test_rfm,
    test_security_rpc_customer,
    test_security_rpc_privacy,
    test_segments,
    test_ui_menu,
)
