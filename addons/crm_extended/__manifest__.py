{
    "name": "CRM Extended",
    "version": "18.0.2.2.0",
    "summary": "Customer 360, RFM and rule-based segments, data quality, duplicates, "
    "interactions and the customer timeline",
    "category": "Sales/CRM",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm",
        "mail",
        "phone_validation",
        "sale_crm",
        "sale_management",
    ],
    "data": [
        "security/crm_extended_security.xml",
        "security/ir.model.access.csv",
        "data/crm_extended_data.xml",
        "views/res_partner_views.xml",
        "views/crm_customer_segment_views.xml",
        "views/crm_duplicate_candidate_views.xml",
        "views/crm_lead_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/crm_interaction_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/sale_order_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_extended/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": True,
}
