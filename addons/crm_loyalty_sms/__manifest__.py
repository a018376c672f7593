{
    "name": "CRM Loyalty / SMS glue",
    "version": "18.0.1.0.0",
    "summary": "Purchase-triggered rewards also tell the customer by SMS (Odoo's SMS templates), "
    "kept in his chatter and timeline",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_loyalty",
        "sms",
    ],
    "data": [
        "data/sms_template_data.xml",
        "views/crm_loyalty_trigger_views.xml",
    ],
    "installable": True,
    "auto_install": ["crm_loyalty", "sms"],
}
