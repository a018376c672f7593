{
    "name": "CRM Service",
    "version": "18.0.1.1.0",
    "summary": "Service desk on the customer 360: tickets with SLA in working hours, teams, "
    "mail gateway, customer portal and satisfaction ratings",
    "category": "Sales/CRM",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_extended",
        "mail",
        "portal",
        "rating",
        "resource",
    ],
    "data": [
        "security/crm_service_security.xml",
        "security/ir.model.access.csv",
        "data/crm_ticket_data.xml",
        "views/crm_ticket_views.xml",
        "views/crm_interaction_views.xml",
        "views/crm_ticket_portal_templates.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/crm_ticket_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_service/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": False,
}
