from . import crm_ticket_return
