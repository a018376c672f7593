import threading
import time

import psycopg2

from odoo import Command, api
from odoo.addons.crm_loyalty.models.crm_loyalty_ledger import trusted
from odoo.addons.crm_service_survey.tests.common import make_surveys
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestSurveyRewardConcurrency(TransactionCase):
    """Two transactions rewarding the same answered survey at once, on two real cursors: the
    customer is paid once."""

    def _env(self, cr):
        return api.Environment(cr, self.env.uid, {"tracking_disable": True, "loyalty_no_mail": True})

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            survey, nps = make_surveys(env)
            program = env["loyalty.program"].create(
                {
                    "name": "Concurrent Survey Club",
                    "program_type": "loyalty",
                    "applies_on": "both",
                    "trigger": "auto",
                    "crm_survey_reward_points": 25,
                    "rule_ids": [Command.create({"reward_point_mode": "order", "reward_point_amount": 1})],
                }
            )
            partner = env["res.partner"].create({"name": "Concurrent Respondent", "email": "cr@example.com"})
            team = env["crm.ticket.team"].create({"name": "Concurrent Care", "survey_id": survey.id})
            ticket = env["crm.ticket"].create(
                {"name": "Twice?", "team_id": team.id, "partner_id": partner.id}
            )
            ticket.stage_id = env.ref("crm_service.ticket_stage_solved")
            answer = ticket.survey_user_input_id
            # done without its completion hook: both transactions below reward it
            answer.state = "done"
            self.ids = ((survey | nps).ids, program.id, partner.id, team.id, ticket.id, answer.id)
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        survey_ids, program_id, partner_id, team_id, ticket_id, answer_id = self.ids
        with self.registry.cursor() as cr:
            env = self._env(cr)
            cards = env["loyalty.card"].search([("partner_id", "=", partner_id)])
            trusted(env["crm.loyalty.ledger"].sudo()).search([("card_id", "in", cards.ids)]).unlink()
            cards.unlink()
            env["crm.ticket"].browse(ticket_id).unlink()
            env["crm.ticket.team"].browse(team_id).unlink()
            env["survey.user_input"].browse(answer_id).unlink()
            env["survey.survey"].browse(survey_ids).unlink()
            env["loyalty.program"].browse(program_id).write({"active": False})
            env["res.partner"].browse(partner_id).write({"active": False})

    @mute_logger("odoo.sql_db", "odoo.addons.crm_service_survey_loyalty.models.crm_ticket")
    def test_two_transactions_pay_once(self):
        _surveys, program_id, partner_id, _team, ticket_id, answer_id = self.ids
        errors = []
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            # both read the ledger before either writes: neither sees an award yet
            for cr in (cr_a, cr_b):
                self.assertFalse(
                    self._env(cr)["crm.loyalty.ledger"].search([("order_model", "=", "survey.user_input")])
                )
            self._env(cr_a)["crm.ticket"].browse(ticket_id)._crm_survey_reward()

            def second():
                try:
                    self._env(cr_b)["crm.ticket"].browse(ticket_id)._crm_survey_reward()
                except psycopg2.errors.SerializationFailure as error:
                    # a concurrency error Odoo retries: the retry finds the award
                    errors.append(error)

            thread = threading.Thread(target=second)
            thread.start()
            time.sleep(1)
            self.assertTrue(thread.is_alive(), "the second transaction waits for the first")
            cr_a.commit()
            thread.join(timeout=30)
            self.assertFalse(thread.is_alive())
            if errors:
                cr_b.rollback()
            cr_b.commit()
            # the second transaction done again (Odoo's retry): nothing more
            self._env(cr_b)["crm.ticket"].browse(ticket_id)._crm_survey_reward()
            cr_b.commit()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            entries = env["crm.loyalty.ledger"].search(
                [("order_model", "=", "survey.user_input"), ("order_id", "=", answer_id)]
            )
            self.assertEqual(len(entries), 1, "one award for one answer")
            cards = env["loyalty.card"].search(
                [("partner_id", "=", partner_id), ("program_id", "=", program_id)]
            )
            self.assertEqual(cards.mapped("points"), [25.0], "one card, paid once")
            self.assertFalse(cards._crm_ledger_mismatches())
