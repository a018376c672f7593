from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import make_surveys, submit


@tagged("post_install", "-at_install")
class TestSurveyScoresTour(HttpCase):
    def test_service_manager_reads_the_survey_scores(self):
        manager = new_test_user(
            self.env, login="tour_service_manager", groups="crm_extended.group_crm_service_manager"
        )
        survey, _nps = make_surveys(self.env)
        customer = self.env["res.partner"].create({"name": "Tour Customer", "email": "tour@example.com"})
        team = self.env["crm.ticket.team"].create(
            {"name": "Tour Care", "member_ids": [Command.set(manager.ids)], "survey_id": survey.id}
        )
        ticket = self.env["crm.ticket"].create(
            {"name": "Tour printer jam", "team_id": team.id, "partner_id": customer.id, "user_id": manager.id}
        )
        ticket.stage_id = self.env.ref("crm_service.ticket_stage_solved")
        submit(ticket.survey_user_input_id, "Somewhat")
        self.assertEqual(ticket.survey_score, 50.0)
        self.start_tour("/odoo", "crm_service_survey_scores_tour", login=manager.login)
