from . import (
    test_customer_360,
    test_data_quality,
    test_duplicates,
    test_install,
    test_rfm,
    test_security_rpc_customer,
    test_security_rpc_service,
    test_segments,
    test_ticket_mail_access,
    test_ticket_portal,
    test_ticket_sla,
    test_ui_menu,
)
