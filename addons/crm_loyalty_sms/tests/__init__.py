from . import test_security_rpc_sms, test_trigger_sms
