from odoo import api, models
from odoo.tools import SQL


class CrmPartnerTimeline(models.Model):
    """Completed survey answers join the customer's timeline (kind 'survey', id offset 9),
    with the score the ticket got, or the answer's own score (%) for a scored survey outside
    the service desk. Rows are readable by who may read the answer (survey users)."""

    _inherit = "crm.partner.timeline"

    @api.model
    def _timeline_row_queries(self):
        # reads crm_ticket.survey_user_input_id and the team's score type: uninstalling this
        # addon drops those columns, and with them (CASCADE) the view, rebuilt without the rows
        return [
            *super()._timeline_row_queries(),
            SQL(
                """
                SELECT ui.id * 10 + 9, coalesce(ui.end_datetime, ui.write_date),
                       p.commercial_partner_id, 'survey',
                       concat_ws(' - ', s.title->>'en_US',
                                 CASE WHEN t.survey_done_date IS NOT NULL AND tt.crm_score_type = 'nps'
                                      THEN 'NPS ' || round(t.survey_score::numeric, 1)::text
                                      WHEN t.survey_done_date IS NOT NULL
                                      THEN round(t.survey_score::numeric, 1)::text || '%%'
                                      WHEN t.id IS NULL AND s.scoring_type != 'no_scoring'
                                      THEN round(ui.scoring_percentage::numeric, 1)::text || '%%'
                                 END),
                       'survey', t.user_id, 'survey.user_input', ui.id, t.company_id
                  FROM survey_user_input ui
                  JOIN survey_survey s ON s.id = ui.survey_id
                  JOIN res_partner p ON p.id = ui.partner_id
             LEFT JOIN crm_ticket t ON t.survey_user_input_id = ui.id
             LEFT JOIN crm_ticket_team tt ON tt.id = t.team_id
                 WHERE ui.state = 'done' AND ui.partner_id IS NOT NULL
                """
            ),
        ]

    @api.model
    def _timeline_source_models(self):
        return [*super()._timeline_source_models(), "survey.user_input"]
