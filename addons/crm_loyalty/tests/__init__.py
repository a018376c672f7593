from . import (
    test_core_history,
    test_earn_timing,
    test_install,
    test_ledger_tiers,
    test_partner_figures,
    test_portal,
    test_reports,
    test_reversal_concurrency,
    test_security,
    test_security_rpc,
    test_triggers,
    test_ui_card,
)
