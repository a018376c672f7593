"""Survey rewards attacked over JSON-RPC: points for an answered ticket survey are written by the
completion of the customer's answer only, once per invitation, never by a caller's arguments or
context."""

from odoo import Command
from odoo.addons.crm_extended.tests.rpc import RpcAttackCase
from odoo.addons.crm_loyalty.tests.common import LoyaltyFixtures
from odoo.addons.crm_service_survey.tests.common import make_surveys, submit
from odoo.tests import tagged

# context keys of crm_loyalty's own code paths, as a client would forge them
FORGED_CONTEXT = {
    "crm_loyalty_trusted_ledger": True,
    "crm_loyalty_trusted_no_reconcile": True,
    "crm_loyalty_ledger_reason": "Survey of ticket answered",
}


@tagged("post_install", "-at_install")
class TestSurveyRewardSecurityRpc(LoyaltyFixtures, RpcAttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, loyalty_no_mail=True))
        cls.make_user("service_manager", "crm_extended.group_crm_service_manager")
        cls.make_user("survey_manager", "survey.group_survey_manager")
        env = cls.env
        cls.survey, _nps = make_surveys(env)
        cls.customer = env["res.partner"].create(
            {"name": "Portal Customer Co", "is_company": True, "email": "co@example.com"}
        )
        cls.users["portal"].partner_id.parent_id = cls.customer
        cls.team = env["crm.ticket.team"].create(
            {
                "name": "Care",
                "user_id": cls.users["service"].id,
                "member_ids": [Command.set(cls.users["service"].ids)],
                "survey_id": cls.survey.id,
            }
        )
        cls.program = cls.make_program("Survey Club")
        cls.program.crm_survey_reward_points = 25
        stage_solved = env.ref("crm_service.ticket_stage_solved")
        Ticket = env["crm.ticket"]
        cls.answered = Ticket.create(
            {"name": "Answered", "team_id": cls.team.id, "partner_id": cls.customer.id}
        )
        cls.pending = Ticket.create(
            {"name": "Pending", "team_id": cls.team.id, "partner_id": cls.customer.id}
        )
        (cls.answered | cls.pending).write({"stage_id": stage_solved.id})
        submit(cls.answered.survey_user_input_id, "Very")
        cls.card = env["loyalty.card"].search(
            [("partner_id", "=", cls.customer.id), ("program_id", "=", cls.program.id)]
        )

    def snapshot(self):
        """The customer's cards and ledger, the program and the answers (the crons may reward
        other customers of the demo data: not this one)."""
        self.env.invalidate_all()
        cards = self.env["loyalty.card"].search([("partner_id", "=", self.customer.id)], order="id")
        return {
            "ledger": self.env["crm.loyalty.ledger"]
            .search([("card_id", "in", cards.ids)], order="id")
            .read(["card_id", "description", "issued", "used", "order_model", "order_id", "entry_type"]),
            "cards": cards.read(["program_id", "points"]),
            "survey_ledger": self.env["crm.loyalty.ledger"].search_count(
                [("order_model", "=", "survey.user_input")]
            ),
            "programs": self.program.read(["crm_survey_reward_points", "company_id"]),
            "answers": self.env["survey.user_input"].search([], order="id").read(["state", "partner_id"]),
        }

    def run_crons(self):
        Card = self.env["loyalty.card"]
        Card._cron_expire_points()
        Card._cron_review_tiers()
        self.env["crm.loyalty.trigger"]._cron_run_triggers()
        self.env.invalidate_all()

    def refused_table(self):
        answered = self.answered.survey_user_input_id.id
        pending = self.pending.survey_user_input_id.id
        forged_award = {
            "card_id": self.card.id,
            "description": "Survey of ticket answered",
            "issued": 1000,
            "order_model": "survey.user_input",
            "order_id": pending,
        }
        callers = ("portal", "employee", "salesman", "service", "service_manager", "survey_manager")
        return [
            # the steps of the reward are not callable from a browser, whatever the arguments
            *[
                (who, model, method, args, {}, FORGED_CONTEXT)
                for who in callers
                for model, method, args in (
                    ("crm.ticket", "_crm_survey_reward", [self.pending.ids]),
                    ("crm.ticket", "_crm_survey_done", [self.pending.ids]),
                    ("survey.user_input", "_mark_done", [[pending]]),
                    ("loyalty.program", "_crm_award_points", [self.program.ids, []]),
                )
            ],
            # a ledger row is never written by a caller, even with the keys of our code paths
            *[
                (who, "crm.loyalty.ledger", "create", [forged_award], {}, FORGED_CONTEXT)
                for who in (*callers, "sales_admin")
            ],
            # who may not change loyalty programs does not set the survey points
            *[
                (
                    who,
                    "loyalty.program",
                    "write",
                    [self.program.ids, {"crm_survey_reward_points": 1000}],
                    {},
                    ctx,
                )
                for who in callers
                for ctx in (None, FORGED_CONTEXT)
            ],
            (
                "other_company",
                "loyalty.program",
                "write",
                [self.program.ids, {"crm_survey_reward_points": 1}],
                {},
                None,
            ),
            # an answer is done by its participant through core's survey pages, not by a write
            *[
                (who, "survey.user_input", "write", [[pending], {"state": "done"}], {}, FORGED_CONTEXT)
                for who in ("portal", "employee", "salesman", "service", "service_manager")
            ],
            # the ticket's link to its answer is bookkeeping: no caller points it at another
            # (already rewarded, or someone else's) answer
            *[
                (
                    who,
                    "crm.ticket",
                    "write",
                    [self.pending.ids, {"survey_user_input_id": answered}],
                    {},
                    FORGED_CONTEXT,
                )
                for who in ("service", "service_manager", "sales_admin")
            ],
            ("portal", "loyalty.card", "write", [self.card.ids, {"points": 1000}], {}, FORGED_CONTEXT),
            ("service", "loyalty.card", "write", [self.card.ids, {"points": 1000}], {}, FORGED_CONTEXT),
        ]

    def test_refusals_leave_the_points_unchanged(self):
        before = self.snapshot()
        self.assertEqual(self.card.points, 25, "the answered survey earned its points")
        rows = self.refused_table()
        for who, model, method, args, kwargs, context in rows:
            with self.subTest(who=who, model=model, method=method, args=str(args)[:120]):
                self.assertRpcRefused(who, model, method, args, kwargs, context)
        self.run_crons()
        self.assertEqual(self.snapshot(), before, "a refused call changed points or answers")
        self.assertGreaterEqual(len(rows), 50)

    def test_closing_with_forged_context_pays_nothing(self):
        """A service user closing and reopening tickets with crm_loyalty's context keys: the
        invitation goes out, no points move until the customer answers."""
        ticket = self.env["crm.ticket"].create(
            {"name": "Forged", "team_id": self.team.id, "partner_id": self.customer.id}
        )
        before = self.snapshot()["ledger"]
        stage_solved = self.env.ref("crm_service.ticket_stage_solved")
        self.rpc(
            "service", "crm.ticket", "write", [ticket.ids, {"stage_id": stage_solved.id}], {}, FORGED_CONTEXT
        )
        self.env.invalidate_all()
        self.assertTrue(ticket.survey_user_input_id)
        self.assertEqual(self.snapshot()["ledger"], before)
        self.assertEqual(self.card.points, 25)
        # the customer answers: the points come, once
        submit(ticket.survey_user_input_id, "Very")
        self.assertEqual(self.card.points, 50)
        submit(ticket.survey_user_input_id, "Very")
        self.assertEqual(self.card.points, 50)
