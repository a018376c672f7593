"""Ticket surveys attacked over JSON-RPC: the invitation link and the scores are written by the
service desk's own paths (closing a ticket, a finished answer), never by a caller."""

from odoo import Command
from odoo.addons.crm_extended.tests.rpc import RpcAttackCase
from odoo.tests import tagged

from .common import make_surveys, submit

TICKET_SURVEY_VALUES = {
    "survey_score": 100.0,
    "survey_nps_category": "promoter",
    "survey_done_date": "2000-01-01 00:00:00",
}
PARTNER_SURVEY_VALUES = {"crm_survey_last_score": 100.0, "crm_survey_avg_score": 100.0, "crm_survey_count": 9}


@tagged("post_install", "-at_install")
class TestSurveySecurityRpc(RpcAttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_user("service_manager", "crm_extended.group_crm_service_manager")
        env = cls.env
        cls.csat_survey, cls.nps_survey = make_surveys(env)
        cls.customer = env["res.partner"].create(
            {"name": "Portal Customer Co", "is_company": True, "email": "co@example.com"}
        )
        cls.users["portal"].partner_id.parent_id = cls.customer
        cls.other_customer = env["res.partner"].create(
            {"name": "Other Customer", "is_company": True, "email": "other@example.com"}
        )
        cls.team = env["crm.ticket.team"].create(
            {
                "name": "Care",
                "user_id": cls.users["service"].id,
                "member_ids": [Command.set(cls.users["service"].ids)],
                "survey_id": cls.csat_survey.id,
            }
        )
        cls.stage_solved = env.ref("crm_service.ticket_stage_solved")
        Ticket = env["crm.ticket"]
        cls.ticket_own = Ticket.create({"name": "Own", "team_id": cls.team.id, "partner_id": cls.customer.id})
        cls.ticket_other = Ticket.create(
            {"name": "Other", "team_id": cls.team.id, "partner_id": cls.other_customer.id}
        )
        (cls.ticket_own | cls.ticket_other).write({"stage_id": cls.stage_solved.id})
        submit(cls.ticket_other.survey_user_input_id, "Somewhat")

    def snapshot(self):
        self.env.invalidate_all()
        tickets = self.env["crm.ticket"].search([], order="id")
        partners = self.customer | self.other_customer
        return {
            "tickets": tickets.read(["survey_user_input_id", *TICKET_SURVEY_VALUES]),
            "partners": partners.read(list(PARTNER_SURVEY_VALUES)),
            "answers": self.env["survey.user_input"]
            .search([], order="id")
            .read(["state", "partner_id", "scoring_percentage"]),
            "teams": self.team.read(["survey_id", "crm_score_type", "crm_nps_question_id"]),
        }

    def refused_table(self):
        own, other = self.ticket_own, self.ticket_other
        other_answer = other.survey_user_input_id.id
        rows = [
            # portal: no scores, no answer link, no bookkeeping, no private steps
            *[
                ("portal", "crm.ticket", "read", [own.ids, [fname]], {}, None)
                for fname in ["survey_user_input_id", *TICKET_SURVEY_VALUES]
            ],
            ("portal", "crm.ticket", "search_read", [[], ["survey_score"]], {}, None),
            ("portal", "crm.ticket", "write", [own.ids, {"survey_score": 0.0}], {}, None),
            ("portal", "crm.ticket", "write", [own.ids, {"survey_user_input_id": other_answer}], {}, None),
            *[
                ("portal", "res.partner", "read", [self.customer.ids, [fname]], {}, None)
                for fname in PARTNER_SURVEY_VALUES
            ],
            ("portal", "crm.ticket", "_crm_survey_invite", [own.ids], {}, None),
            ("portal", "crm.ticket", "_crm_survey_apply_scores", [own.ids], {}, None),
            ("portal", "survey.user_input", "_mark_done", [[other_answer]], {}, None),
            ("portal", "survey.user_input", "write", [[other_answer], {"state": "done"}], {}, None),
            ("portal", "res.partner", "_crm_refresh_survey_scores", [self.customer.ids], {}, None),
            # a plain employee: no tickets, no scores, no team settings
            ("employee", "crm.ticket", "read", [own.ids, ["survey_score"]], {}, None),
            ("employee", "res.partner", "read", [self.customer.ids, ["crm_survey_avg_score"]], {}, None),
            ("employee", "crm.ticket.team", "write", [self.team.ids, {"survey_id": False}], {}, None),
            ("service", "crm.ticket.team", "write", [self.team.ids, {"crm_score_type": "nps"}], {}, None),
            # the scores and the answer link are never taken from a caller, even one who may edit
            # tickets (another ticket's answer cannot be set on one's own)
            *[
                (who, "crm.ticket", "write", [own.ids, {fname: value}], {}, None)
                for who in ("salesman", "service", "service_manager", "sales_admin")
                for fname, value in {**TICKET_SURVEY_VALUES, "survey_user_input_id": other_answer}.items()
            ],
            *[
                (
                    who,
                    "crm.ticket",
                    "create",
                    [{"name": "x", "team_id": self.team.id, "survey_user_input_id": other_answer}],
                    {},
                    None,
                )
                for who in ("service", "salesman")
            ],
            *[
                (who, "res.partner", "write", [self.customer.ids, {fname: value}], {}, None)
                for who in ("salesman", "service", "sales_admin")
                for fname, value in PARTNER_SURVEY_VALUES.items()
            ],
            # survey answers belong to survey users
            ("service", "survey.user_input", "read", [[other_answer], ["state"]], {}, None),
            ("service", "survey.user_input", "write", [[other_answer], {"state": "new"}], {}, None),
            ("other_company", "crm.ticket", "read", [other.ids, ["survey_score"]], {}, None),
        ]
        return rows

    def test_refusals_leave_everything_unchanged(self):
        before = self.snapshot()
        rows = self.refused_table()
        for who, model, method, args, kwargs, context in rows:
            with self.subTest(who=who, model=model, method=method, args=str(args)[:120]):
                self.assertRpcRefused(who, model, method, args, kwargs, context)
        self.assertEqual(self.snapshot(), before, "a refused call changed data")
        self.assertGreaterEqual(len(rows), 40)

    def test_service_user_reads_scores_and_closing_invites(self):
        other = self.ticket_other
        row = self.rpc(
            "service", "crm.ticket", "read", [other.ids, ["survey_score", "survey_user_input_id"]]
        )[0]
        self.assertEqual(row["survey_score"], 50.0)
        self.assertEqual(row["survey_user_input_id"][0], other.survey_user_input_id.id)
        # the ticket form (web_read) shows the answer's name to a user without survey rights
        spec = {"survey_user_input_id": {"fields": {"display_name": {}}}, "survey_nps_category": {}}
        row = self.rpc("service", "crm.ticket", "web_read", [other.ids], {"specification": spec})[0]
        self.assertEqual(row["survey_user_input_id"]["id"], other.survey_user_input_id.id)
        row = self.rpc("service", "res.partner", "read", [self.other_customer.ids, ["crm_survey_avg_score"]])[
            0
        ]
        self.assertEqual(row["crm_survey_avg_score"], 50.0)
        # the answer is in the customer's timeline for who may read it, not for a service user
        # without survey rights (who still sees the customer's tickets there)
        domain = [("partner_id", "=", self.other_customer.id)]
        rows = self.rpc("service", "crm.partner.timeline", "search_read", [domain, ["kind", "res_model"]])
        self.assertIn("ticket", [r["kind"] for r in rows])
        self.assertNotIn("survey", [r["kind"] for r in rows])
        self.assertNotIn("survey.user_input", [r["res_model"] for r in rows])
        rows = self.rpc("sales_admin", "crm.partner.timeline", "search_read", [domain, ["kind"]])
        self.assertNotIn("survey", [r["kind"] for r in rows], "no survey rights, no answer rows")
        self.env.flush_all()
        rows = self.env["crm.partner.timeline"].search([*domain, ("kind", "=", "survey")])
        self.assertEqual(rows.res_id, other.survey_user_input_id.id, "the row exists for a survey user")
        # a service user without survey rights closes a ticket: the customer is invited
        ticket = self.env["crm.ticket"].create(
            {"name": "New", "team_id": self.team.id, "partner_id": self.customer.id}
        )
        self.rpc("service", "crm.ticket", "write", [ticket.ids, {"stage_id": self.stage_solved.id}])
        self.env.invalidate_all()
        self.assertEqual(ticket.survey_user_input_id.partner_id, self.customer)
        self.assertEqual(ticket.survey_user_input_id.survey_id, self.csat_survey)
