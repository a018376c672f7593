{
    "name": "CRM Loyalty / ERP Bridge glue",
    "version": "18.0.1.1.1",
    "summary": "Reverses loyalty points on credit notes for returned goods "
    "when both CRM Loyalty and CRM ERP Bridge are installed",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_erp_bridge",
        "crm_loyalty",
    ],
    "data": [],
    "installable": True,
    "auto_install": True,
}
