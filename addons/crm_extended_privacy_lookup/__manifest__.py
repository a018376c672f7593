{
    "name": "CRM Extended / Privacy Lookup glue",
    "version": "18.0.1.0.0",
    "summary": "Odoo's privacy lookup finds a person in every model of the CRM suite and "
    "anonymizes the customer from its results",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_extended",
        "privacy_lookup",
    ],
    "data": [
        "wizard/privacy_lookup_wizard_views.xml",
    ],
    "installable": True,
    "auto_install": True,
}
