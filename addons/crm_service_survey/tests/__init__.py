from . import test_security_rpc_survey, test_ticket_survey
