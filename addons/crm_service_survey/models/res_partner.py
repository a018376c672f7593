from odoo import _, api, fields, models
from odoo.addons.crm_service.models.crm_ticket_team import SERVICE_READERS
from odoo.exceptions import AccessError
from odoo.tools import SQL

SURVEY_360_FIELDS = ("crm_survey_last_score", "crm_survey_avg_score", "crm_survey_count")


class ResPartner(models.Model):
    _inherit = "res.partner"

    # customer 360: kept on the commercial partner by _crm_refresh_survey_scores
    crm_survey_last_score = fields.Float(
        string="Last Survey Score",
        readonly=True,
        copy=False,
        groups=SERVICE_READERS,
        help="Score of the customer's latest answered ticket survey (CSAT % or NPS 0-10).",
    )
    crm_survey_avg_score = fields.Float(
        string="Average Survey Score",
        readonly=True,
        copy=False,
        aggregator="avg",
        groups=SERVICE_READERS,
        help="Average score of the customer's answered ticket surveys.",
    )
    crm_survey_count = fields.Integer(
        string="Answered Surveys", readonly=True, copy=False, groups=SERVICE_READERS
    )

    def _check_crm_survey_figures(self, vals_list):
        """The survey figures are written by _crm_refresh_survey_scores only."""
        if self.env.su:
            return
        if any(fname in SURVEY_360_FIELDS for vals in vals_list for fname in vals):
            raise AccessError(_("The survey scores of a customer are computed and cannot be set by hand."))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_crm_survey_figures(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_crm_survey_figures([vals])
        return super().write(vals)

    def _crm_refresh_survey_scores(self):
        """Last and average survey score of these commercial partners, one statement."""
        partner_ids = self.commercial_partner_id.ids
        if not partner_ids:
            return
        self.env["crm.ticket"].flush_model(["commercial_partner_id", "survey_score", "survey_done_date"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET crm_survey_last_score = s.last_score,
                       crm_survey_avg_score = s.avg_score,
                       crm_survey_count = coalesce(s.answered, 0)
                  FROM unnest(%(ids)s::int[]) AS c(id)
             LEFT JOIN (
                    SELECT t.commercial_partner_id AS id,
                           (array_agg(t.survey_score ORDER BY t.survey_done_date DESC, t.id DESC))[1]
                               AS last_score,
                           avg(t.survey_score) AS avg_score,
                           count(*) AS answered
                      FROM crm_ticket t
                     WHERE t.commercial_partner_id = ANY(%(ids)s)
                       AND t.survey_done_date IS NOT NULL
                  GROUP BY t.commercial_partner_id
                  ) s ON s.id = c.id
                 WHERE p.id = c.id
                """,
                ids=partner_ids,
            )
        )
        self.env["res.partner"].browse(partner_ids).invalidate_recordset(list(SURVEY_360_FIELDS))
