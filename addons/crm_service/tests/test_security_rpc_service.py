"""The service desk attacked over JSON-RPC (issue 10, service part).

One table of (who, model, method, args, kwargs, context) -> refused, then the calls legitimate
users make -> allowed.  After the refusals the tickets, their SLA figures, interactions, SLA
policies and contacts are unchanged, also after the SLA cron has run.
"""

from odoo import Command
from odoo.addons.crm_extended.tests.rpc import RpcAttackCase
from odoo.tests import tagged

RAW_MAIL = """From: attacker@example.com
To: nobody@example.com
Subject: {subject}
Message-ID: <{msgid}@attacker.example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

Injected
"""

# internal figures a portal user must not read on his own ticket (finding 10, service part)
INTERNAL_TICKET_FIELDS = [
    "sla_id",
    "first_response_deadline",
    "first_response_date",
    "sla_paused_hours",
    "sla_pause_start",
    "sla_escalation",
    "reopen_count",
    "first_response_hours",
    "resolution_hours",
    "sla_success",
    "lead_id",
    "interaction_ids",
    "interaction_count",
    "tag_ids",
]
# SLA bookkeeping a caller may not set, even one who may edit the ticket
BOOKKEEPING_VALUES = {
    "sla_status": "met",
    "sla_deadline": "2099-01-01 00:00:00",
    "first_response_deadline": "2099-01-01 00:00:00",
    "first_response_date": "2000-01-01 00:00:00",
    "close_date": "2000-01-01 00:00:00",
    "sla_paused_hours": 1000.0,
    "sla_pause_start": "2000-01-01 00:00:00",
    "sla_escalation": "breached",
    "reopen_count": 99,
    "sla_success": 100.0,
}


@tagged("post_install", "-at_install")
class TestServiceSecurityRpc(RpcAttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_user("service_manager", "crm_extended.group_crm_service_manager")
        cls.make_user("salesman_2", "sales_team.group_sale_salesman")
        env = cls.env
        cls.customer = env["res.partner"].create({"name": "Portal Customer Co", "is_company": True})
        cls.users["portal"].partner_id.parent_id = cls.customer
        cls.other_customer = env["res.partner"].create({"name": "Other Customer", "is_company": True})
        cls.team_a = env["crm.ticket.team"].create(
            {
                "name": "Care A",
                "user_id": cls.users["service"].id,
                "member_ids": [Command.set(cls.users["service"].ids)],
            }
        )
        cls.sla_a = env["crm.ticket.sla"].create(
            {"name": "Standard A", "team_id": cls.team_a.id, "response_hours": 2, "resolution_hours": 8}
        )
        cls.stage_new = env.ref("crm_service.ticket_stage_new")
        cls.stage_solved = env.ref("crm_service.ticket_stage_solved")
        Ticket = env["crm.ticket"]
        cls.ticket_own = Ticket.create(
            {"name": "Portal's own ticket", "team_id": cls.team_a.id, "partner_id": cls.customer.id}
        )
        cls.ticket_other = Ticket.create(
            {"name": "Other's ticket", "team_id": cls.team_a.id, "partner_id": cls.other_customer.id}
        )
        cls.ticket_closed = Ticket.create(
            {
                "name": "Closed ticket",
                "team_id": cls.team_a.id,
                "partner_id": cls.customer.id,
                "stage_id": cls.stage_solved.id,
            }
        )
        cls.note = cls.ticket_own.message_post(
            body="Internal: customer is on credit hold", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        # company B
        cls.team_b = env["crm.ticket.team"].create({"name": "Care B", "company_id": cls.company_b.id})
        cls.ticket_b = Ticket.create(
            {"name": "B's ticket", "team_id": cls.team_b.id, "company_id": cls.company_b.id}
        )
        cls.lead_b = env["crm.lead"].create({"name": "B's lead", "company_id": cls.company_b.id})
        # a lead of another salesperson, with an interaction whose note is private to it
        cls.lead_other = env["crm.lead"].create(
            {"name": "Other rep's deal", "user_id": cls.users["salesman_2"].id, "partner_id": cls.customer.id}
        )
        cls.lead_own = env["crm.lead"].create(
            {"name": "Own deal", "user_id": cls.users["salesman"].id, "partner_id": cls.customer.id}
        )
        Interaction = env["crm.interaction"]
        cls.int_ticket = Interaction.create(
            {"name": "Call on ticket", "partner_id": cls.customer.id, "ticket_id": cls.ticket_own.id}
        )
        cls.int_lead_other = Interaction.create(
            {
                "name": "Negotiation call",
                "partner_id": cls.customer.id,
                "lead_id": cls.lead_other.id,
                "note": "<p>Max discount 30%</p>",
            }
        )
        cls.int_lead_own = Interaction.create(
            {"name": "Own call", "partner_id": cls.customer.id, "lead_id": cls.lead_own.id}
        )
        cls.int_b = Interaction.create(
            {"name": "B call", "partner_id": cls.other_customer.id, "company_id": cls.company_b.id}
        )
        env["crm.ticket"]._cron_sla_update()

    # ------------------------------------------------------------------ snapshot

    def snapshot(self):
        self.env.invalidate_all()
        Ticket = self.env["crm.ticket"].with_context(active_test=False)
        tickets = Ticket.search([], order="id")
        fields = ["name", "stage_id", "partner_id", "company_id", "team_id", "user_id", "partner_email"]
        fields += sorted(BOOKKEEPING_VALUES) + ["sla_id"]
        return {
            "tickets": tickets.read(fields),
            "interactions": self.env["crm.interaction"]
            .search([], order="id")
            .read(["name", "note", "company_id", "ticket_id", "lead_id", "duration"]),
            "slas": self.env["crm.ticket.sla"]
            .with_context(active_test=False)
            .search([])
            .read(["name", "response_hours", "resolution_hours", "team_id"]),
            "teams": self.env["crm.ticket.team"]
            .with_context(active_test=False)
            .search([])
            .read(["name", "company_id", "user_id", "last_assigned_user_id", "mail_create_partner"]),
            "partners": self.env["res.partner"].with_context(active_test=False).search_count([]),
            "messages": self.env["mail.message"].search_count([("model", "=", "crm.ticket")]),
        }

    # ------------------------------------------------------------------ the table

    def refused_table(self):
        own, other, closed, b = self.ticket_own, self.ticket_other, self.ticket_closed, self.ticket_b
        new_vals = {"name": "Injected", "team_id": self.team_a.id, "partner_id": self.other_customer.id}
        rows = [
            # portal: reads his company's tickets only, writes nothing, no internals, no interactions
            ("portal", "crm.ticket", "write", [own.ids, {"name": "hacked"}], {}, None),
            ("portal", "crm.ticket", "write", [own.ids, {"stage_id": self.stage_solved.id}], {}, None),
            ("portal", "crm.ticket", "write", [other.ids, {"name": "hacked"}], {}, None),
            ("portal", "crm.ticket", "create", [new_vals], {}, None),
            ("portal", "crm.ticket", "read", [other.ids, ["name", "description"]], {}, None),
            ("portal", "crm.ticket", "read", [b.ids, ["name"]], {}, None),
            ("portal", "crm.ticket", "unlink", [own.ids], {}, None),
            ("portal", "crm.ticket", "action_assign_to_me", [own.ids], {}, None),
            ("portal", "crm.ticket", "action_assign_round_robin", [own.ids], {}, None),
            ("portal", "crm.ticket", "message_update", [closed.ids, {"author_id": False}], {}, None),
            ("portal", "crm.ticket", "message_new", [{"subject": "x", "email_from": "a@b.c"}], {}, None),
            ("portal", "crm.ticket", "search_read", [[], ["sla_paused_hours"]], {}, None),
            ("portal", "crm.interaction", "search_read", [[], ["name", "note"]], {}, None),
            ("portal", "crm.interaction", "read", [self.int_ticket.ids, ["note"]], {}, None),
            ("portal", "mail.message", "read", [self.note.ids, ["body"]], {}, None),
            ("portal", "crm.ticket.team", "read", [self.team_a.ids, ["name"]], {}, None),
            ("portal", "crm.ticket.sla", "search_read", [[], ["name"]], {}, None),
        ]
        rows += [
            ("portal", "crm.ticket", "read", [own.ids, [fname]], {}, None) for fname in INTERNAL_TICKET_FIELDS
        ]
        rows += [
            # the mail gateway's entry point runs routes as superuser: not for RPC callers
            (
                who,
                model,
                "message_process",
                [model_arg, RAW_MAIL.format(subject=f"mp {who}", msgid=f"mp-{who}")],
                {"thread_id": thread_id},
                None,
            )
            for who, model, model_arg, thread_id in (
                ("portal", "mail.thread", "crm.ticket", None),
                ("employee", "mail.thread", "crm.ticket", None),
                ("salesman", "res.partner", "crm.ticket", None),
                ("service", "crm.ticket", "crm.ticket", closed.id),
                ("service_manager", "mail.thread", "crm.ticket", b.id),
                ("other_company", "mail.thread", "crm.ticket", closed.id),
            )
        ]
        rows += [
            # a plain employee: no tickets, no interactions, no service figures
            ("employee", "crm.ticket", "search_read", [[], ["name"]], {}, None),
            ("employee", "crm.interaction", "search_read", [[], ["note"]], {}, None),
            ("employee", "crm.ticket.team", "read", [self.team_a.ids, ["open_ticket_count"]], {}, None),
            ("employee", "crm.ticket.team", "read", [self.team_a.ids, ["ticket_ids"]], {}, None),
            ("employee", "crm.ticket.team", "write", [self.team_a.ids, {"name": "x"}], {}, None),
            # SLA bookkeeping is never taken from a caller (even one who may edit tickets)
            *[
                (who, "crm.ticket", "write", [own.ids, {fname: value}], {}, None)
                for who in ("salesman", "service", "service_manager", "sales_admin")
                for fname, value in BOOKKEEPING_VALUES.items()
            ],
            ("service", "crm.ticket", "create", [dict(new_vals, close_date="2000-01-01 00:00:00")], {}, None),
            ("salesman", "crm.ticket", "create", [dict(new_vals, sla_status="met")], {}, None),
            # nor from the context's defaults, which the ORM applies as values
            (
                "service",
                "crm.ticket",
                "create",
                [new_vals],
                {},
                {"default_first_response_date": "2000-01-01"},
            ),
            ("service", "crm.ticket", "copy", [own.ids, {"reopen_count": 5}], {}, None),
            # whole-database SLA work is private (cron only)
            ("service", "crm.ticket", "_sla_recompute_open", [], {}, None),
            ("service_manager", "crm.ticket", "_cron_sla_update", [], {}, None),
            ("salesman", "crm.ticket", "_sla_escalate", [], {}, None),
            # configuration is for service managers (and core's sales administrators)
            ("service", "crm.ticket.team", "write", [self.team_a.ids, {"name": "x"}], {}, None),
            ("service", "crm.ticket.sla", "write", [self.sla_a.ids, {"resolution_hours": 800}], {}, None),
            ("salesman", "crm.ticket.stage", "create", [{"name": "Evil"}], {}, None),
            ("service", "crm.ticket", "unlink", [own.ids], {}, None),
            # finding 9: bounds on every numeric setting
            (
                "service_manager",
                "crm.ticket.sla",
                "create",
                [{"name": "Forever", "team_id": self.team_a.id, "resolution_hours": 1e9}],
                {},
                None,
            ),
            (
                "service_manager",
                "crm.ticket.sla",
                "write",
                [self.sla_a.ids, {"resolution_hours": 1e9}],
                {},
                None,
            ),
            (
                "service_manager",
                "crm.ticket.sla",
                "write",
                [self.sla_a.ids, {"response_hours": -1}],
                {},
                None,
            ),
            (
                "sales_admin",
                "crm.ticket.sla",
                "write",
                [self.sla_a.ids, {"resolution_hours": 8761}],
                {},
                None,
            ),
            (
                "service",
                "crm.interaction",
                "create",
                [{"partner_id": self.customer.id, "duration": 1e308}],
                {},
                None,
            ),
            ("service", "crm.interaction", "write", [self.int_ticket.ids, {"duration": -2}], {}, None),
            # interactions follow their document: another salesperson's lead, or a lead the
            # service user cannot read at all
            ("salesman", "crm.interaction", "read", [self.int_lead_other.ids, ["note"]], {}, None),
            ("salesman", "crm.interaction", "write", [self.int_lead_other.ids, {"note": "x"}], {}, None),
            (
                "salesman",
                "crm.interaction",
                "create",
                [{"partner_id": self.customer.id, "lead_id": self.lead_other.id, "note": "x"}],
                {},
                None,
            ),
            ("service", "crm.interaction", "read", [self.int_lead_other.ids, ["note"]], {}, None),
            # another company: no tickets, teams or interactions of company A, no cross links
            ("other_company", "crm.ticket", "read", [own.ids, ["name"]], {}, None),
            ("other_company", "crm.ticket", "write", [own.ids, {"name": "x"}], {}, None),
            ("other_company", "crm.ticket.team", "read", [self.team_a.ids, ["name"]], {}, None),
            ("other_company", "crm.ticket.sla", "read", [self.sla_a.ids, ["name"]], {}, None),
            ("other_company", "crm.interaction", "read", [self.int_ticket.ids, ["note"]], {}, None),
            (
                "other_company",
                "crm.ticket",
                "create",
                [{"name": "x", "team_id": self.team_a.id, "company_id": self.company_a.id}],
                {},
                None,
            ),
            (
                "other_company",
                "crm.ticket",
                "create",
                [
                    {
                        "name": "x",
                        "team_id": self.team_b.id,
                        "company_id": self.company_b.id,
                        "lead_id": self.lead_own.id,
                    }
                ],
                {},
                None,
            ),
            (
                "service",
                "crm.ticket",
                "create",
                [{"name": "x", "team_id": self.team_a.id, "lead_id": self.lead_b.id}],
                {},
                None,
            ),
            ("service", "crm.ticket", "write", [own.ids, {"team_id": self.team_b.id}], {}, None),
            ("service", "crm.ticket", "read", [b.ids, ["name"]], {}, None),
            ("service", "crm.interaction", "read", [self.int_b.ids, ["name"]], {}, None),
            (
                "service",
                "crm.interaction",
                "create",
                [{"partner_id": self.customer.id, "ticket_id": b.id}],
                {},
                None,
            ),
            (
                "service_manager",
                "crm.ticket.team",
                "write",
                [self.team_a.ids, {"user_id": self.users["other_company"].id}],
                {},
                None,
            ),
        ]
        return rows

    def test_refusals_leave_everything_unchanged(self):
        before = self.snapshot()
        rows = self.refused_table()
        for who, model, method, args, kwargs, context in rows:
            with self.subTest(who=who, model=model, method=method, args=str(args)[:120]):
                self.assertRpcRefused(who, model, method, args, kwargs, context)
        self.assertEqual(self.snapshot(), before, "a refused call changed data")
        # the SLA cron sees the same tickets and keeps the same figures
        self.env["crm.ticket"]._cron_sla_update()
        self.assertEqual(self.snapshot(), before, "the SLA cron found data changed by an attack")
        self.assertGreaterEqual(len(rows), 100)

    # ------------------------------------------------------------------ allowed

    def test_legitimate_calls_still_work(self):
        own = self.ticket_own
        # portal: his company's tickets only, the fields of the portal page
        found = self.rpc("portal", "crm.ticket", "search_read", [[], ["name"]])
        self.assertEqual({r["id"] for r in found}, {own.id, self.ticket_closed.id})
        [row] = self.rpc(
            "portal",
            "crm.ticket",
            "read",
            [own.ids, ["number", "name", "stage_id", "sla_deadline", "close_date", "user_id", "description"]],
        )
        self.assertEqual(row["name"], own.name)
        self.assertEqual(row["sla_deadline"].replace("T", " ")[:16], str(own.sla_deadline)[:16])
        # the internal note stays hidden in his view of the thread (he posts through the portal
        # chatter's controller, see test_ticket_portal)
        bodies = self.rpc(
            "portal",
            "mail.message",
            "search_read",
            [[("model", "=", "crm.ticket"), ("res_id", "=", own.id)], ["body"]],
        )
        self.assertFalse([b for b in bodies if "credit hold" in b["body"]])

        # service user: works tickets, logs interactions on them (company from the ticket)
        self.rpc("service", "crm.ticket", "write", [own.ids, {"stage_id": self.stage_solved.id}])
        own.invalidate_recordset()
        self.assertTrue(own.close_date and own.is_closed)
        interaction_id = self.rpc(
            "service", "crm.interaction", "create", [{"partner_id": self.customer.id, "ticket_id": own.id}]
        )
        self.assertEqual(self.env["crm.interaction"].browse(interaction_id).company_id, self.company_a)
        self.rpc("service", "crm.ticket", "action_assign_round_robin", [self.ticket_other.ids])
        # salesperson: interactions of his own leads and of tickets
        self.rpc(
            "salesman", "crm.interaction", "read", [self.int_lead_own.ids + self.int_ticket.ids, ["note"]]
        )
        self.rpc(
            "salesman",
            "crm.interaction",
            "create",
            [{"partner_id": self.customer.id, "lead_id": self.lead_own.id}],
        )
        # service manager: configures policies within bounds
        self.rpc(
            "service_manager",
            "crm.ticket.sla",
            "create",
            [{"name": "Gold", "team_id": self.team_a.id, "response_hours": 1, "resolution_hours": 4}],
        )
        # core's Sales Administrator configures the service desk too (item 7)
        team_id = self.rpc("sales_admin", "crm.ticket.team", "create", [{"name": "Sales-run care"}])
        self.rpc(
            "sales_admin",
            "crm.ticket.sla",
            "create",
            [{"name": "Basic", "team_id": team_id, "resolution_hours": 40}],
        )
        self.assertTrue(self.users["sales_admin"].has_group("crm_extended.group_crm_service_manager"))
        # another company's user sees his own company's service desk only
        found = self.rpc("other_company", "crm.ticket", "search_read", [[], ["name"]])
        self.assertEqual([r["id"] for r in found], self.ticket_b.ids)
        found = self.rpc("other_company", "crm.interaction", "search_read", [[], ["name"]])
        self.assertEqual([r["id"] for r in found], self.int_b.ids)
        # a plain employee opens a contact (no service figures on it, no error)
        self.rpc("employee", "res.partner", "read", [self.customer.ids, ["name", "email"]])
        self.assertRpcRefused("employee", "res.partner", "read", [self.customer.ids, ["crm_ticket_count"]])
        # a dashboard link with an unknown filter key only opens the list
        action = self.rpc(
            "service",
            "crm.ticket.team",
            "action_open_tickets_filtered",
            [self.team_a.ids],
            {},
            {"ticket_filter": "x"},
        )
        self.assertNotIn("search_default_x", action["context"])
