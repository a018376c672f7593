{
    "name": "CRM Extended / Dashboards glue",
    "version": "18.0.1.0.0",
    "summary": "Customers dashboard in Odoo's Dashboards app: RFM grid as a heat map, segment sizes "
    "and movements, churn risk, lifetime value",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_extended",
        "spreadsheet_dashboard",
    ],
    "data": [
        "data/dashboards.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_extended_spreadsheet_dashboard/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "auto_install": ["crm_extended", "spreadsheet_dashboard"],
}
