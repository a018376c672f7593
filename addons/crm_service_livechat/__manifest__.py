{
    "name": "CRM Service / Live Chat glue",
    "version": "18.0.1.0.0",
    "summary": "An operator turns a live chat into a ticket (/ticket) with its transcript; chats "
    "with a known customer are interactions on his timeline",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_service",
        "im_livechat",
    ],
    "data": [
        "views/crm_ticket_views.xml",
        "views/crm_interaction_views.xml",
        "views/discuss_channel_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "crm_service_livechat/static/src/**/*",
        ],
        "web.assets_tests": [
            "crm_service_livechat/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "auto_install": ["crm_service", "im_livechat"],
}
