{
    "name": "CRM Extended / Email Marketing glue",
    "version": "18.0.1.1.0",
    "summary": "Email campaigns to customer segments (RFM ones included) with Odoo's Email Marketing, "
    "results measured on the segment",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    # mass_mailing_sale and mass_mailing_crm install themselves with mass_mailing next to sale
    # and crm (which crm_extended needs): depending on them costs nothing and brings the
    # orders, revenue and leads each mailing earned
    "depends": [
        "crm_extended",
        "mass_mailing",
        "mass_mailing_crm",
        "mass_mailing_sale",
    ],
    "data": [
        "data/crm_customer_segment_data.xml",
        "views/crm_customer_segment_views.xml",
        "views/crm_partner_timeline_views.xml",
        "views/mailing_mailing_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_extended_mass_mailing/static/tests/tours/**/*",
        ],
    },
    "uninstall_hook": "uninstall_hook",
    "installable": True,
    "auto_install": ["crm_extended", "mass_mailing"],
}
