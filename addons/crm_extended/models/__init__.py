# ruff: noqa: I001
# Order matters: crm_partner_timeline is a SQL view over the tables of the models before it.
from . import (
    account_move,
    base_partner_merge_automatic_wizard,
    crm_completeness_weight,
    crm_customer_segment,
    crm_duplicate_candidate,
    crm_interaction,
    crm_lead,
    crm_lead_service,
    crm_rfm_history,
    crm_ticket,
    crm_ticket_config,
    mail_thread,
    res_config_settings,
    res_partner,
    res_partner_service,
    sale_order,
)
from . import crm_partner_timeline
