import logging

from odoo import _, fields, models
from odoo.addons.crm_service.models.crm_ticket_team import SERVICE_READERS
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

NPS_CATEGORIES = [("promoter", "Promoter"), ("passive", "Passive"), ("detractor", "Detractor")]
# written by our code paths only (the invitation on closing, the score when the answer is done)
SURVEY_BOOKKEEPING_FIELDS = frozenset(
    {"survey_user_input_id", "survey_score", "survey_nps_category", "survey_done_date"}
)


def nps_category(value):
    """Net Promoter Score bucket of a 0-10 answer: 9-10 promoter, 7-8 passive, 0-6 detractor."""
    if value is None or value is False:
        return False
    if value >= 9:
        return "promoter"
    if value >= 7:
        return "passive"
    return "detractor"


class CrmTicket(models.Model):
    _inherit = "crm.ticket"

    survey_user_input_id = fields.Many2one(
        "survey.user_input",
        string="Survey Answer",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups=SERVICE_READERS,
        help="The invitation sent to the customer when the ticket was closed.",
    )
    survey_score = fields.Float(
        string="Survey Score",
        readonly=True,
        copy=False,
        aggregator="avg",
        groups=SERVICE_READERS,
        help="CSAT: the answer's score in percent; NPS: the 0-10 answer.",
    )
    survey_nps_category = fields.Selection(
        NPS_CATEGORIES, string="NPS Category", readonly=True, copy=False, groups=SERVICE_READERS
    )
    survey_done_date = fields.Datetime(
        string="Survey Answered On", readonly=True, copy=False, groups=SERVICE_READERS
    )

    def _bookkeeping_fields(self):
        return super()._bookkeeping_fields() | SURVEY_BOOKKEEPING_FIELDS

    # ------------------------------------------------------------------ invitation

    def _send_rating_request(self):
        """Called for the tickets that just reached a closed stage: the tickets of a team with a
        survey invite to it instead of core's rating request (one question to the customer, not
        two); the others are asked to rate as before."""
        surveyed = self.filtered(lambda t: t.sudo().team_id.survey_id)
        surveyed._crm_survey_invite()
        return super(CrmTicket, self - surveyed)._send_rating_request()

    def _crm_survey_invite(self):
        """One invitation per ticket, made with core survey's own API and its invite template.

        The caller has just closed these tickets (their write passed the access checks); the
        survey and its answers belong to survey users, hence sudo for the survey part only."""
        template = self.env.ref("survey.mail_template_user_input_invite", raise_if_not_found=False)
        tickets = self.sudo().filtered(
            lambda t: (
                t.team_id.survey_id
                and not t.survey_user_input_id
                and t.partner_id.email
                and t.partner_id != self.env.user.partner_id
            )
        )
        for ticket in tickets:
            survey = ticket.team_id.survey_id
            partner = ticket.partner_id
            try:
                answer = survey._create_answer(partner=partner, check_attempts=False)
            except UserError as error:
                # a survey that cannot take this customer's answer never blocks the closing
                _logger.info("Ticket %s: no survey invitation (%s)", ticket.id, error)
                continue
            ticket.survey_user_input_id = answer
            if template:
                template.sudo().with_context(lang=partner.lang).send_mail(
                    answer.id, email_layout_xmlid="mail.mail_notification_light"
                )
            ticket.message_post(
                body=_("Survey %(survey)s sent to %(customer)s.", survey=survey.title, customer=partner.name),
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------------ score

    def _crm_survey_score_values(self):
        """The score of each ticket's answer, by the team's score type (the one rule)."""
        values = {}
        for ticket in self:
            answer = ticket.survey_user_input_id
            team = ticket.team_id
            if not answer or answer.state != "done":
                continue
            category = False
            if team.crm_score_type == "nps":
                line = answer.user_input_line_ids.filtered(
                    lambda line, team=team: line.question_id == team.crm_nps_question_id and not line.skipped
                )[:1]
                if not line:
                    continue
                score = line.value_scale if line.answer_type == "scale" else line.value_numerical_box
                category = nps_category(score)
            else:
                score = answer.scoring_percentage
            values[ticket] = {
                "survey_score": score,
                "survey_nps_category": category,
                "survey_done_date": answer.end_datetime or fields.Datetime.now(),
            }
        return values

    def _crm_survey_done(self):
        """These tickets' answers were just completed (survey.user_input._mark_done): their
        scores land on them; glue addons add what a completed answer brings (a reward)."""
        self._crm_survey_apply_scores()

    def _crm_survey_apply_scores(self):
        """Write the scores of done answers on these tickets (as superuser: bookkeeping), then
        refresh the survey figures of their customers in one statement."""
        tickets = self.sudo()
        zero = []
        for ticket, vals in tickets._crm_survey_score_values().items():
            ticket.write(vals)
            if not vals["survey_score"]:
                zero.append(ticket.id)
        if zero:
            # a score of 0 is a score: the ORM does not write 0.0 over an empty column (equal
            # in its cache), which would leave it out of every average
            tickets.flush_recordset(["survey_score", "survey_done_date"])
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_ticket SET survey_score = 0 WHERE id = ANY(%s) AND survey_score IS NULL",
                    zero,
                )
            )
        tickets.commercial_partner_id._crm_refresh_survey_scores()
