from odoo import _, api, fields, models
from odoo.addons.crm_loyalty.models.crm_loyalty_trigger import MAX_POINTS
from odoo.exceptions import ValidationError


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    crm_survey_reward_points = fields.Float(
        string="Points per Ticket Survey",
        default=0.0,
        help="Points this loyalty program gives a customer who answers the satisfaction survey "
        "of a closed ticket (once per invitation, whatever the score; 0: no reward). Tickets "
        "of the program's company only, or of every company when the program has none.",
    )

    @api.constrains("crm_survey_reward_points")
    def _check_crm_survey_reward_points(self):
        for program in self:
            if not 0 <= program.crm_survey_reward_points <= MAX_POINTS:
                raise ValidationError(
                    _("The points for a ticket survey must be between 0 and %s.", MAX_POINTS)
                )
