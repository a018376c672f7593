from odoo import _, api, fields, models
from odoo.addons.crm_extended.models.res_partner import RETENTION_YEARS_BOUNDS
from odoo.exceptions import ValidationError

from .res_partner import RETENTION_TICKET_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_retention_ticket_years = fields.Integer(
        "Anonymize Closed Tickets After (years)",
        config_parameter=RETENTION_TICKET_PARAM,
        default=0,
        help="Tickets closed longer ago than this lose their subject, description, addresses and "
        "messages, by a daily cron. 0: kept.",
    )

    @api.constrains("crm_retention_ticket_years")
    def _check_crm_retention_ticket_years(self):
        low, high = RETENTION_YEARS_BOUNDS
        for settings in self:
            if not low <= settings.crm_retention_ticket_years <= high:
                raise ValidationError(
                    _(
                        "The retention of closed tickets must be between %(low)s and %(high)s years.",
                        low=low,
                        high=high,
                    )
                )
