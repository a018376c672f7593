{
    "name": "CRM Service / Surveys glue",
    "version": "18.0.1.1.0",
    "summary": "Closing a ticket invites the customer to the team's survey (Odoo's Surveys); the "
    "CSAT or NPS score lands on the ticket and on the customer 360",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_service",
        "survey",
    ],
    "data": [
        "views/crm_ticket_team_views.xml",
        "views/crm_ticket_views.xml",
        "views/res_partner_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_service_survey/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "auto_install": ["crm_service", "survey"],
}
