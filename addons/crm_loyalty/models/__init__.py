# isort: skip_file
# crm_loyalty_report comes last: Odoo creates tables and views in import order, and the
# report's SQL view reads columns this module adds to loyalty.program and the points ledger.
from . import (
    account_move,
    crm_loyalty_demo,
    crm_loyalty_ledger,
    crm_loyalty_tier,
    crm_loyalty_trigger,
    crm_loyalty_trigger_log,
    loyalty_card,
    loyalty_history,
    loyalty_program,
    res_partner,
    sale_order,
    sale_order_line,
    crm_loyalty_report,
)
