from . import crm_loyalty_trigger
