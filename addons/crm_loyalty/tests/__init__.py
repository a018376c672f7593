from . import test_install, test_ledger_tiers
