{
    "name": "CRM Loyalty / Dashboards glue",
    "version": "18.0.1.0.0",
    "summary": "Loyalty dashboard in Odoo's Dashboards app: points liability, redemption rate, "
    "tier mix, expiring points",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_extended_spreadsheet_dashboard",
        "crm_loyalty",
    ],
    "data": [
        "data/dashboards.xml",
    ],
    "installable": True,
    "auto_install": ["crm_extended_spreadsheet_dashboard", "crm_loyalty"],
}
