from . import test_security_rpc, test_segment_mailing, test_timeline_mailing, test_ui_segment_mailing
