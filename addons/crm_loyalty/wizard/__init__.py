from . import crm_loyalty_adjust_wizard, loyalty_generate_wizard
