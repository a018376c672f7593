{
    "name": "CRM Service / ERP Bridge glue",
    "version": "18.0.1.0.1",
    "summary": "Service tickets into returns and credit notes "
    "when both CRM Service and CRM ERP Bridge are installed",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_erp_bridge",
        "crm_service",
    ],
    "data": [
        "views/crm_ticket_views.xml",
    ],
    "installable": True,
    "auto_install": True,
}
