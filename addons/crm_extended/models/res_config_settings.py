from odoo import fields, models


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

    def action_recompute_rfm(self):
        self.env["res.partner"].action_recompute_rfm()
        return {"type": "ir.actions.client", "tag": "reload"}
