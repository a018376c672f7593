from odoo import Command
from odoo.addons.crm_service.tests.common import TicketCase
from odoo.addons.crm_service_survey.models.crm_ticket import nps_category
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import make_surveys, submit


@tagged("post_install", "-at_install")
class TestTicketSurvey(TicketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.csat_survey, cls.nps_survey = make_surveys(cls.env)
        cls.nps_question = cls.nps_survey.question_ids
        cls.team.survey_id = cls.csat_survey

    def close(self, ticket, user=None):
        ticket.with_user(user or self.agent_1).write({"stage_id": self.stage_solved.id})

    def answers(self, survey):
        return self.env["survey.user_input"].search([("survey_id", "=", survey.id)])

    def test_close_invites_once(self):
        ticket = self.make_ticket(user_id=self.agent_1.id)
        self.assertFalse(ticket.survey_user_input_id)
        self.close(ticket)
        answer = ticket.survey_user_input_id
        self.assertEqual(answer, self.answers(self.csat_survey))
        self.assertEqual(answer.partner_id, self.customer)
        self.assertEqual(answer.state, "new")
        mail = self.env["mail.mail"].search([("email_to", "ilike", "zahra@example.com")])
        self.assertEqual(len(mail), 1, "the customer gets the invitation mail")
        self.assertIn(answer.access_token, mail.body_html)
        # reopened and closed again: the same invitation, no second one
        ticket.with_user(self.agent_1).write({"stage_id": self.stage_progress.id})
        self.close(ticket)
        self.assertEqual(ticket.survey_user_input_id, answer)
        self.assertEqual(self.answers(self.csat_survey), answer)

    def test_team_without_survey_invites_nobody(self):
        team = self.team.copy({"name": "No survey", "survey_id": False})
        ticket = self.make_ticket(team_id=team.id)
        self.close(ticket)
        self.assertFalse(ticket.survey_user_input_id)
        self.assertFalse(self.answers(self.csat_survey))

    def test_open_stage_invites_nobody(self):
        ticket = self.make_ticket()
        ticket.with_user(self.agent_1).write({"stage_id": self.stage_waiting.id})
        self.assertFalse(ticket.survey_user_input_id)

    def test_csat_score_on_ticket_and_360(self):
        first = self.make_ticket(user_id=self.agent_1.id)
        second = self.make_ticket(user_id=self.agent_2.id)
        self.close(first)
        self.close(second, self.agent_2)
        submit(first.survey_user_input_id, "Very")
        self.assertEqual(first.survey_score, 100.0)
        self.assertFalse(first.survey_nps_category)
        self.assertTrue(first.survey_done_date)
        self.assertEqual(self.customer.crm_survey_last_score, 100.0)
        self.assertEqual(self.customer.crm_survey_avg_score, 100.0)
        submit(second.survey_user_input_id, "Somewhat")
        self.assertEqual(second.survey_score, 50.0)
        self.assertEqual(self.customer.crm_survey_last_score, 50.0)
        self.assertEqual(self.customer.crm_survey_avg_score, 75.0)
        self.assertEqual(self.customer.crm_survey_count, 2)
        # a score of 0 counts in the averages (stored, not left empty)
        third = self.make_ticket(user_id=self.agent_2.id)
        self.close(third, self.agent_2)
        submit(third.survey_user_input_id, "Not at all")
        self.assertEqual(self.customer.crm_survey_last_score, 0.0)
        self.assertEqual(self.customer.crm_survey_avg_score, 50.0)
        self.assertEqual(self.customer.crm_survey_count, 3)
        # the report: average score by team and agent
        groups = self.env["crm.ticket"]._read_group(
            [("survey_done_date", "!=", False)], ["team_id", "user_id"], ["survey_score:avg"]
        )
        self.assertEqual(
            sorted((user.id, score) for _team, user, score in groups),
            sorted([(self.agent_1.id, 100.0), (self.agent_2.id, 25.0)]),
        )

    def test_contact_score_lands_on_company(self):
        contact = self.env["res.partner"].create(
            {"name": "Omid Contact", "email": "omid@example.com", "parent_id": self.customer.id}
        )
        ticket = self.make_ticket(partner_id=contact.id)
        self.close(ticket)
        self.assertEqual(ticket.survey_user_input_id.partner_id, contact)
        submit(ticket.survey_user_input_id, "Not at all")
        self.assertEqual(ticket.survey_score, 0.0)
        self.assertEqual(self.customer.crm_survey_count, 1)
        self.assertEqual(self.customer.crm_survey_last_score, 0.0)

    def test_nps_categories(self):
        self.team.write(
            {
                "survey_id": self.nps_survey.id,
                "crm_score_type": "nps",
                "crm_nps_question_id": self.nps_question.id,
            }
        )
        expected = {10: "promoter", 9: "promoter", 8: "passive", 7: "passive", 6: "detractor", 3: "detractor"}
        tickets = {}
        for value in expected:
            ticket = self.make_ticket()
            self.close(ticket)
            submit(ticket.survey_user_input_id, value)
            tickets[value] = ticket
        for value, category in expected.items():
            self.assertEqual(tickets[value].survey_score, value)
            self.assertEqual(tickets[value].survey_nps_category, category, f"answer {value}")
        self.assertEqual(self.customer.crm_survey_count, len(expected))
        self.assertAlmostEqual(self.customer.crm_survey_avg_score, sum(expected) / len(expected))
        self.assertEqual(self.customer.crm_survey_last_score, 3.0)
        self.assertEqual(nps_category(0), "detractor")
        self.assertFalse(nps_category(False))

    def test_nps_needs_a_question_of_the_survey(self):
        with self.assertRaises(ValidationError):
            self.team.write({"crm_score_type": "nps", "crm_nps_question_id": self.nps_question.id})
            self.team.flush_recordset()

    def test_refresh_is_set_based(self):
        """Refreshing the 360 of five customers costs what one costs (no query per customer)."""
        customers = self.env["res.partner"].create(
            [{"name": f"Customer {i}", "email": f"c{i}@example.com"} for i in range(5)]
        )
        tickets = self.env["crm.ticket"]
        for customer in customers:
            tickets |= self.make_ticket(partner_id=customer.id)
        self.close(tickets)
        for ticket in tickets:
            submit(ticket.survey_user_input_id, "Somewhat")
        self.assertEqual(customers.mapped("crm_survey_avg_score"), [50.0] * 5)

        def queries(partners):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            partners._crm_refresh_survey_scores()
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries(customers), queries(customers[:1]))
        self.assertEqual(customers.mapped("crm_survey_count"), [1] * 5)

    def test_survey_replaces_the_rating_request(self):
        """One question to the customer: the survey invitation, not also core's rating request."""
        ticket = self.make_ticket(user_id=self.agent_1.id)
        self.close(ticket)
        self.assertTrue(ticket.survey_user_input_id)
        self.assertFalse(ticket.rating_ids, "no rating request beside the survey")
        # reopened and closed again: still no rating request, no second invitation
        ticket.with_user(self.agent_1).write({"stage_id": self.stage_progress.id})
        self.close(ticket)
        self.assertFalse(ticket.rating_ids)
        self.assertEqual(len(self.answers(self.csat_survey)), 1)
        # a team without a survey asks to rate, as before
        team = self.team.copy({"name": "Rating only", "survey_id": False})
        rated = self.make_ticket(team_id=team.id, user_id=self.agent_1.id)
        self.close(rated)
        self.assertEqual(len(rated.rating_ids), 1, "closing asks the customer to rate")
        self.assertFalse(rated.survey_user_input_id)
        # both closed in one write: each ticket gets its own question
        pair = self.make_ticket(user_id=self.agent_1.id) | self.make_ticket(team_id=team.id)
        self.close(pair)
        self.assertEqual([bool(t.survey_user_input_id) for t in pair], [True, False])
        self.assertEqual([len(t.rating_ids) for t in pair], [0, 1])

    def timeline(self, user=None):
        self.env.flush_all()
        Timeline = self.env["crm.partner.timeline"]
        if user:
            Timeline = Timeline.with_user(user)
        return Timeline.search([("partner_id", "=", self.customer.id), ("kind", "=", "survey")])

    def test_answer_in_the_customer_timeline(self):
        contact = self.env["res.partner"].create(
            {"name": "Omid Contact", "email": "omid@example.com", "parent_id": self.customer.id}
        )
        ticket = self.make_ticket(partner_id=contact.id, user_id=self.agent_1.id)
        self.close(ticket)
        self.assertFalse(self.timeline(), "an answer not done yet is not in the timeline")
        submit(ticket.survey_user_input_id, "Somewhat")
        row = self.timeline()
        self.assertEqual(len(row), 1)
        self.assertEqual((row.res_model, row.res_id), ("survey.user_input", ticket.survey_user_input_id.id))
        self.assertEqual(row.id % 10, 9)
        self.assertEqual(row.name, "How did we do? - 50.0%")
        self.assertEqual(row.channel, "survey")
        self.assertEqual(row.user_id, self.agent_1)
        self.assertEqual(row.company_id, ticket.company_id)
        self.assertEqual(row.date, ticket.survey_user_input_id.end_datetime)
        self.assertIn(row, self.customer.crm_timeline_ids)
        # a survey user who may read the answer sees the row; a service agent without survey
        # rights sees the customer's tickets but not the answer
        survey_manager = self.env["res.users"].create(
            {
                "name": "Sara Survey",
                "login": "tk_survey_manager",
                "groups_id": [
                    Command.set((self.env.ref("survey.group_survey_manager") | self.agent_1.groups_id).ids)
                ],
            }
        )
        self.assertEqual(self.timeline(survey_manager), row)
        self.assertFalse(self.timeline(self.agent_1))
        agent_rows = (
            self.env["crm.partner.timeline"]
            .with_user(self.agent_1)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertIn(("crm.ticket", ticket.id), [(r.res_model, r.res_id) for r in agent_rows])
        with self.assertRaises(AccessError):
            row.with_user(self.agent_1).read(["name"])

    def test_nps_answer_in_the_timeline(self):
        self.team.write(
            {
                "survey_id": self.nps_survey.id,
                "crm_score_type": "nps",
                "crm_nps_question_id": self.nps_question.id,
            }
        )
        ticket = self.make_ticket()
        self.close(ticket)
        submit(ticket.survey_user_input_id, 9)
        self.assertEqual(self.timeline().name, "Would you recommend us? - NPS 9.0")
