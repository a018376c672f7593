{
    "name": "CRM Extended / SMS Marketing glue",
    "version": "18.0.1.0.0",
    "summary": "SMS campaigns to customer segments with Odoo's SMS Marketing, results measured on the "
    "segment",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_extended_mass_mailing",
        "mass_mailing_sms",
    ],
    "data": [
        "views/crm_customer_segment_views.xml",
    ],
    "installable": True,
    "auto_install": ["crm_extended_mass_mailing", "mass_mailing_sms"],
}
