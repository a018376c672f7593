from . import test_heavy_jobs, test_security_rpc
