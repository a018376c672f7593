from odoo.tools import SQL

from .models.crm_loyalty_ledger import SURVEY_REWARD_INDEX


def uninstall_hook(env):
    """The ledger stays with crm_loyalty (its survey rewards are history); the key that made
    them once per invitation leaves with this addon."""
    env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(SURVEY_REWARD_INDEX)))
