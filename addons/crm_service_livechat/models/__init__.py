from . import crm_interaction, crm_ticket, discuss_channel
