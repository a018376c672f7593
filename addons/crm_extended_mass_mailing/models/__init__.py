from . import crm_customer_segment, crm_partner_timeline, mailing_mailing, mailing_trace
