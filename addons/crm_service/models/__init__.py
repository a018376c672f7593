# ruff: noqa: I001
# Order matters: crm_partner_timeline's view reads crm_ticket, created before it.
from . import (
    crm_interaction,
    crm_lead,
    crm_ticket,
    crm_ticket_sla,
    crm_ticket_stage,
    crm_ticket_team,
    crm_ticket_type,
    crm_ticket_sla_engine,
    mail_thread,
    res_config_settings,
    res_partner,
)
from . import crm_partner_timeline
