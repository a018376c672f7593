{
    "name": "CRM Service Surveys / Loyalty glue",
    "version": "18.0.1.0.0",
    "summary": "A loyalty program rewards a customer who answers a ticket's satisfaction survey "
    "with points, once per invitation, through the points ledger",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_loyalty",
        "crm_service_survey",
    ],
    "data": [
        "views/loyalty_program_views.xml",
    ],
    "installable": True,
    "auto_install": ["crm_loyalty", "crm_service_survey"],
    "uninstall_hook": "uninstall_hook",
}
