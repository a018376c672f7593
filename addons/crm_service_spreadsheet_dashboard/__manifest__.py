{
    "name": "CRM Service / Dashboards glue",
    "version": "18.0.1.0.0",
    "summary": "Service dashboard in Odoo's Dashboards app: backlog, SLA compliance, response "
    "and resolution times, satisfaction",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_extended_spreadsheet_dashboard",
        "crm_service",
    ],
    "data": [
        "data/dashboards.xml",
    ],
    "installable": True,
    "auto_install": ["crm_extended_spreadsheet_dashboard", "crm_service"],
}
