from . import (
    account_move,
    crm_loyalty_tier,
    loyalty_card,
    loyalty_history,
    loyalty_program,
    res_partner,
    sale_order,
)
