from . import test_install, test_ticket_return
