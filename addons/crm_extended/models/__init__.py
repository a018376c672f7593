from . import (
    account_move,
    crm_completeness_weight,
    crm_customer_segment,
    crm_duplicate_candidate,
    crm_lead,
    crm_rfm_history,
    res_config_settings,
    res_partner,
    sale_order,
)
