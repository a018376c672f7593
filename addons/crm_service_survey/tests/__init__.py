from . import test_security_rpc_survey, test_ticket_survey, test_ui_survey_scores
