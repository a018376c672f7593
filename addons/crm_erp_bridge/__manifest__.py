{
    "name": "CRM ERP Bridge",
    "version": "18.0.1.2.1",
    "summary": "Order-to-cash in one view, delivery dates promised from real stock, and credit control",
    "category": "Sales/CRM",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "account",
        "crm_extended",
        "sale_crm",
        "sale_stock",
    ],
    "data": [
        "security/crm_erp_bridge_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/sale_order_views.xml",
        "views/crm_lead_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/sale_order_credit_override_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/sale_order_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_erp_bridge/static/tests/tours/**/*",
        ],
    },
    "uninstall_hook": "uninstall_hook",
    "installable": True,
    "application": False,
}
