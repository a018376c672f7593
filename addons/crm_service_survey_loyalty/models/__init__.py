from . import crm_loyalty_ledger, crm_ticket, loyalty_program
