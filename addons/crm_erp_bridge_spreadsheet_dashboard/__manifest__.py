{
    "name": "CRM ERP Bridge / Dashboards glue",
    "version": "18.0.1.0.0",
    "summary": "Order-to-cash dashboard in Odoo's Dashboards app: amounts by state, days sales "
    "outstanding, on-time delivery, credit holds",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_erp_bridge",
        "crm_extended_spreadsheet_dashboard",
    ],
    "data": [
        "data/dashboards.xml",
    ],
    "installable": True,
    "auto_install": ["crm_erp_bridge", "crm_extended_spreadsheet_dashboard"],
}
