{
    "name": "CRM KBE",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Marketing, sales, service and partner-channel management on one customer record",
    "author": "crm_kbe developers",
    "website": "https://github.com/crm-kbe/crm_kbe",
    "license": "LGPL-3",
    "depends": [
        "crm",
        "sale_crm",
        "sale_management",
        "account",
    ],
    "data": [
        "security/crm_kbe_security.xml",
        "security/ir.model.access.csv",
        "views/res_partner_views.xml",
        "views/crm_lead_views.xml",
        "views/crm_team_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/kbe_lead_convert.xml",
        "views/crm_kbe_menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/product_demo.xml",
        "demo/crm_lead_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_kbe/static/tests/tours/**/*",
        ],
    },
    "uninstall_hook": "uninstall_hook",
    "application": True,
    "installable": True,
}
