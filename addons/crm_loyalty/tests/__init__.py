from . import test_install, test_ledger_tiers, test_reversal_concurrency
