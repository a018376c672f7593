from . import (
    test_mail_language,
    test_privacy_tickets,
    test_security_rpc_service,
    test_ticket_mail_access,
    test_ticket_portal,
    test_ticket_sla,
    test_ticket_sla_rule,
    test_timeline_tickets,
    test_ui_ticket,
)
