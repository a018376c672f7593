from . import crm_ticket, crm_ticket_team, res_partner, survey_user_input
