from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# the question types whose answer is one number (core survey's numerical box and 0-10 scale)
NPS_QUESTION_TYPES = ("numerical_box", "scale")


class CrmTicketTeam(models.Model):
    _inherit = "crm.ticket.team"

    survey_id = fields.Many2one(
        "survey.survey",
        string="Satisfaction Survey",
        ondelete="set null",
        tracking=True,
        help="Closing a ticket of this team invites its customer to answer this survey (once per "
        "ticket); the answer's score lands on the ticket and on the customer 360.",
    )
    crm_score_type = fields.Selection(
        [("csat", "CSAT (survey score %)"), ("nps", "NPS (0-10 question)")],
        string="Score",
        default="csat",
        required=True,
        help="CSAT: the score in percent that the survey's own scoring gives the answer (the "
        "survey must be scored). NPS: the 0-10 answer to the NPS question; 9-10 are promoters, "
        "7-8 passives, 0-6 detractors.",
    )
    crm_nps_question_id = fields.Many2one(
        "survey.question",
        string="NPS Question",
        ondelete="set null",
        domain="[('survey_id', '=', survey_id), ('question_type', 'in', ['numerical_box', 'scale'])]",
        help="The survey's 'How likely are you to recommend us (0-10)?' question.",
    )

    @api.constrains("survey_id", "crm_score_type", "crm_nps_question_id")
    def _check_crm_nps_question(self):
        for team in self.filtered(lambda t: t.survey_id and t.crm_score_type == "nps"):
            question = team.sudo().crm_nps_question_id
            if (
                not question
                or question.survey_id != team.sudo().survey_id
                or question.question_type not in NPS_QUESTION_TYPES
            ):
                raise ValidationError(
                    _(
                        "Team %(team)s scores NPS: choose a numerical or scale question of its survey "
                        "as NPS question.",
                        team=team.display_name,
                    )
                )
