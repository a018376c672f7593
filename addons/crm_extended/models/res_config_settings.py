from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_duplicate_candidate import NAME_THRESHOLD_BOUNDS
from .res_partner import (
    CHURN_INTERVAL_DAYS_BOUNDS,
    RETENTION_INTERACTION_PARAM,
    RETENTION_YEARS_BOUNDS,
    RFM_WINDOW_DAYS_BOUNDS,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_rfm_window_days = fields.Integer(
        "RFM Look-back (days)", config_parameter="crm_extended.rfm_window_days", default=365
    )
    crm_churn_default_interval_days = fields.Integer(
        "Usual Interval for One-time Buyers (days)",
        config_parameter="crm_extended.churn_default_interval_days",
        default=90,
    )
    crm_duplicate_name_threshold = fields.Float(
        "Name Similarity Threshold", config_parameter="crm_extended.duplicate_name_threshold", default=0.6
    )

    crm_retention_interaction_years = fields.Integer(
        "Anonymize Interactions After (years)",
        config_parameter=RETENTION_INTERACTION_PARAM,
        default=0,
        help="Interactions older than this lose their summary and notes, by a daily cron. 0: kept.",
    )

    @api.constrains(
        "crm_rfm_window_days",
        "crm_churn_default_interval_days",
        "crm_duplicate_name_threshold",
        "crm_retention_interaction_years",
    )
    def _check_crm_extended_bounds(self):
        for settings in self:
            for value, (low, high), label in (
                (
                    settings.crm_retention_interaction_years,
                    RETENTION_YEARS_BOUNDS,
                    _("The retention of interactions (years)"),
                ),
                (settings.crm_rfm_window_days, RFM_WINDOW_DAYS_BOUNDS, _("The RFM look-back window (days)")),
                (
                    settings.crm_churn_default_interval_days,
                    CHURN_INTERVAL_DAYS_BOUNDS,
                    _("The usual interval between orders of one-time buyers (days)"),
                ),
                (
                    settings.crm_duplicate_name_threshold,
                    NAME_THRESHOLD_BOUNDS,
                    _("The duplicate name similarity threshold"),
                ),
            ):
                if not low <= value <= high:
                    raise ValidationError(
                        _(
                            "%(setting)s must be between %(low)s and %(high)s (got %(value)s).",
                            setting=label,
                            low=low,
                            high=high,
                            value=value,
                        )
                    )

    def action_recompute_rfm(self):
        self.env["res.partner"].action_recompute_rfm()
        return {"type": "ir.actions.client", "tag": "reload"}
