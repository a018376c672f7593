from . import crm_loyalty_adjust_wizard
