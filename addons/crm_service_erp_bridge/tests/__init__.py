from . import test_security_rpc, test_ticket_return
