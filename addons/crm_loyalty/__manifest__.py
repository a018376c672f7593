{
    "name": "CRM Loyalty",
    "version": "18.0.1.4.0",
    "summary": "Loyalty tiers, expiring points with an auditable ledger, refund reversal "
    "and purchase-triggered rewards on top of Odoo's loyalty programs",
    "category": "Sales/CRM",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_extended",
        "portal",
        "sale_loyalty",
    ],
    "data": [
        "security/crm_loyalty_security.xml",
        "security/ir.model.access.csv",
        "data/mail_templates.xml",
        "views/crm_loyalty_views.xml",
        "views/crm_loyalty_trigger_views.xml",
        "views/menus.xml",
        "views/crm_loyalty_portal_templates.xml",
    ],
    "demo": [
        "demo/loyalty_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_loyalty/static/tests/tours/**/*",
        ],
    },
    "uninstall_hook": "uninstall_hook",
    "installable": True,
    "application": False,
}
