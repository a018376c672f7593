from . import (
    account_move,
    crm_erp_bridge_demo,
    crm_lead,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
    sale_order_line,
    stock_picking,
)
