from . import test_privacy_lookup, test_security_rpc
