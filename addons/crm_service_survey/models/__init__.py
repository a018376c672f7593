# ruff: noqa: I001
# Order matters: crm_partner_timeline's view reads the columns added to crm_ticket and
# crm_ticket_team, created before it.
from . import crm_ticket, crm_ticket_team, res_partner, survey_user_input
from . import crm_partner_timeline
