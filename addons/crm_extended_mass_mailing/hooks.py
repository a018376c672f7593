from odoo.tools import SQL


def uninstall_hook(env):
    """The customer timeline's view holds this addon's rows: drop it, and the registry reload
    that ends the uninstall recreates it from the addons that stay (check_tables_exist calls
    the model's init). Core's mailing_trace loses the index only this addon used."""
    env.cr.execute(SQL("DROP VIEW IF EXISTS crm_partner_timeline"))
    env.cr.execute(SQL("DROP INDEX IF EXISTS mailing_trace_crm_model_res_id_idx"))
