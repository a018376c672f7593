{
    "name": "CRM ERP Bridge",
    "version": "18.0.1.0.0",
    "summary": "Order-to-cash in one view, delivery dates promised from real stock, "
    "credit control, service requests into returns and credit notes",
    "category": "Sales/CRM",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_extended",
        "sale_stock",
    ],
    "data": [
        "security/crm_erp_bridge_security.xml",
        "security/ir.model.access.csv",
        "views/crm_ticket_return_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/sale_order_demo.xml",
    ],
    "installable": True,
    "application": False,
}
