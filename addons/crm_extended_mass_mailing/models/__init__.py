from . import crm_customer_segment, mailing_mailing
