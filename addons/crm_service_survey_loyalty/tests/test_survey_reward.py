from unittest.mock import patch

import psycopg2

from odoo.addons.crm_loyalty.models.crm_loyalty_ledger import trusted
from odoo.addons.crm_loyalty.tests.common import LoyaltyFixtures
from odoo.addons.crm_service.tests.common import TicketCase
from odoo.addons.crm_service_survey.tests.common import make_surveys, submit
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestSurveyReward(LoyaltyFixtures, TicketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, loyalty_no_mail=True))
        cls.csat_survey, cls.nps_survey = make_surveys(cls.env)
        cls.team.survey_id = cls.csat_survey
        cls.program = cls.make_program("Survey Club")
        cls.program.crm_survey_reward_points = 25

    def closed_ticket(self, **vals):
        ticket = self.make_ticket(user_id=self.agent_1.id, **vals)
        ticket.with_user(self.agent_1).write({"stage_id": self.stage_solved.id})
        self.assertTrue(ticket.survey_user_input_id)
        return ticket

    def entries(self, answer, program=None):
        return self.env["crm.loyalty.ledger"].search(
            [
                ("order_model", "=", "survey.user_input"),
                ("order_id", "=", answer.id),
                ("program_id", "=", (program or self.program).id),
            ]
        )

    def card(self, partner=None, program=None):
        return self.env["loyalty.card"].search(
            [
                ("partner_id", "=", (partner or self.customer).id),
                ("program_id", "=", (program or self.program).id),
            ]
        )

    def test_completed_survey_earns_once(self):
        ticket = self.closed_ticket()
        answer = ticket.survey_user_input_id
        self.assertFalse(self.card(), "an invitation not answered yet earns nothing")
        # whatever the score: the reward is for answering, not for a good mark
        submit(answer, "Not at all")
        self.assertEqual(ticket.survey_score, 0.0)
        card = self.card()
        self.assertEqual(card.points, 25)
        entry = self.entries(answer)
        self.assertEqual(len(entry), 1)
        self.assertEqual(
            (entry.entry_type, entry.issued, entry.used, entry.card_id),
            ("earn", 25.0, 0.0, card),
        )
        self.assertEqual(entry.description, f"Survey of ticket {ticket.number} answered")
        self.assertEqual(entry.remaining_points, 25.0)
        self.assertEqual(entry.expiry_date.year - entry.date.year, 1, "the program's 12-month validity")
        self.assertFalse(card._crm_ledger_mismatches())
        # the answer done again, the ticket's hooks run again: nothing more
        answer._mark_done()
        ticket._crm_survey_done()
        ticket._crm_survey_reward()
        self.assertEqual(card.points, 25)
        self.assertEqual(len(self.entries(answer)), 1)
        # reopened and closed again: the same invitation, nothing more
        ticket.with_user(self.agent_1).write({"stage_id": self.stage_progress.id})
        ticket.with_user(self.agent_1).write({"stage_id": self.stage_solved.id})
        self.assertEqual(ticket.survey_user_input_id, answer)
        self.assertEqual(card.points, 25)
        # a second ticket answered: a second reward on the same card
        other = self.closed_ticket()
        submit(other.survey_user_input_id, "Very")
        self.assertEqual(card.points, 50)
        self.assertEqual(len(card.crm_ledger_ids), 2)

    def test_contact_answers_the_company_earns(self):
        contact = self.env["res.partner"].create(
            {"name": "Omid Contact", "email": "omid@example.com", "parent_id": self.customer.id}
        )
        ticket = self.closed_ticket(partner_id=contact.id)
        submit(ticket.survey_user_input_id, "Very")
        self.assertFalse(self.card(contact))
        self.assertEqual(self.card().points, 25)

    def test_existing_card_and_every_rewarding_program(self):
        card = self.env["loyalty.card"].create(
            {"program_id": self.program.id, "partner_id": self.customer.id, "points": 10}
        )
        second = self.make_program("Second Club")
        second.crm_survey_reward_points = 5
        silent = self.make_program("Silent Club")
        ticket = self.closed_ticket()
        submit(ticket.survey_user_input_id, "Very")
        self.assertEqual(card.points, 35, "added on the customer's card")
        self.assertEqual(self.card(program=second).points, 5)
        self.assertFalse(self.card(program=silent), "a program without survey points rewards nothing")
        self.assertEqual(self.card(), card)

    def test_no_reward_when_not_configured(self):
        self.program.crm_survey_reward_points = 0
        ticket = self.closed_ticket()
        submit(ticket.survey_user_input_id, "Very")
        self.assertFalse(self.card())
        self.assertFalse(self.entries(ticket.survey_user_input_id))

    def test_no_reward_from_another_company_program(self):
        self.program.company_id = self.env["res.company"].create({"name": "Other Survey Co"})
        ticket = self.closed_ticket()
        submit(ticket.survey_user_input_id, "Very")
        self.assertFalse(self.card())

    def test_no_reward_without_customer(self):
        ticket = self.closed_ticket()
        ticket.partner_id = False
        self.assertFalse(ticket.commercial_partner_id)
        submit(ticket.survey_user_input_id, "Very")
        self.assertFalse(self.env["crm.loyalty.ledger"].search([("order_model", "=", "survey.user_input")]))

    def test_unanswered_invitation_earns_nothing(self):
        ticket = self.closed_ticket()
        ticket._crm_survey_reward()
        self.assertFalse(self.card())

    def test_answers_outside_tickets_earn_nothing(self):
        answer = self.csat_survey._create_answer(partner=self.customer, check_attempts=False)
        submit(answer, "Very")
        self.assertFalse(self.card())

    def test_points_are_bounded(self):
        for points in (-5, 10**12):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.program.crm_survey_reward_points = points
        self.assertEqual(self.program.crm_survey_reward_points, 25)

    @mute_logger("odoo.sql_db")
    def test_one_award_per_program_and_answer_in_the_database(self):
        """The key under the check: a second award of the same answer by the same program is
        refused by PostgreSQL, whoever writes it."""
        ticket = self.closed_ticket()
        submit(ticket.survey_user_input_id, "Very")
        with self.assertRaises(psycopg2.errors.UniqueViolation), self.env.cr.savepoint():
            trusted(self.env["crm.loyalty.ledger"]).create(
                {
                    "card_id": self.card().id,
                    "description": "twice",
                    "issued": 25,
                    "order_model": "survey.user_input",
                    "order_id": ticket.survey_user_input_id.id,
                }
            )

    @mute_logger("odoo.sql_db")
    def test_award_written_meanwhile_pays_nothing(self):
        """A transaction that checked before another one wrote the award (its snapshot did not
        show it) hits the key: it pays nothing and the answer's completion goes on."""
        ticket = self.closed_ticket()
        submit(ticket.survey_user_input_id, "Very")
        card = self.card()
        Ledger = type(self.env["crm.loyalty.ledger"])
        real_search = Ledger.search

        def stale_search(records, domain, *args, **kwargs):
            if ("order_model", "=", "survey.user_input") in domain:
                return records.browse()
            return real_search(records, domain, *args, **kwargs)

        with patch.object(Ledger, "search", stale_search):
            ticket._crm_survey_reward()
        self.assertEqual(card.points, 25)
        self.assertEqual(len(self.entries(ticket.survey_user_input_id)), 1)
        self.assertFalse(card._crm_ledger_mismatches())
