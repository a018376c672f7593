"""Who may run the suite's whole-database actions (duplicate scan, RFM and segment refresh) and
handle a customer's personal data (export, anonymization)."""

from odoo.exceptions import AccessError

# Core's group of people who manage sales and CRM: the suite's heavy actions follow it.
MANAGER_GROUP = "sales_team.group_sale_manager"


def is_crm_manager(env):
    """The caller is a sales manager (or a cron/superuser)."""
    return env.su or env.user.has_group(MANAGER_GROUP)


def check_crm_manager(env, action):
    """Raise a clear AccessError unless the caller is a sales manager (or a cron/superuser).

    ``action`` is the translated name of what was refused, shown to the user."""
    if not is_crm_manager(env):
        raise AccessError(
            env._(
                "“%(action)s” works on every customer of the database: only Sales administrators may run it.",
                action=action,
            )
        )


def check_privacy_manager(env, action):
    """The same for a customer's personal data (his export, his anonymization)."""
    if not is_crm_manager(env):
        raise AccessError(
            env._(
                "“%(action)s” handles a customer's personal data: only Sales administrators may run it.",
                action=action,
            )
        )
