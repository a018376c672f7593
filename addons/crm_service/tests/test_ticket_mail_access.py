from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TicketCase

MAIL_NEW = """From: {sender}
To: {to}
Subject: {subject}
Message-ID: <{msgid}@customer.example.com>
Date: Mon, 23 Nov 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
"""


@tagged("post_install", "-at_install")
class TestTicketMailGateway(TicketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {"name": "service.example.com", "bounce_alias": "bounce", "catchall_alias": "catchall"}
        )
        cls.env.company.alias_domain_id = cls.alias_domain
        cls.team.write({"alias_name": "help-desk", "alias_domain_id": cls.alias_domain.id})
        cls.team.alias_id.alias_contact = "everyone"
        cls.to = "help-desk@service.example.com"

    def process(self, raw):
        return self.env["mail.thread"].message_process(False, raw.encode() if isinstance(raw, str) else raw)

    def tickets(self):
        return self.env["crm.ticket"].search([("team_id", "=", self.team.id)])

    def test_new_mail_creates_ticket_and_contact(self):
        self.team.mail_create_partner = True
        self.process(
            MAIL_NEW.format(
                sender='"Omar Haddad" <omar.haddad@newcustomer.example.com>',
                to=self.to,
                subject="الطابعة لا تعمل",
                msgid="m1",
                body="مرحبا، الطابعة لا تعمل منذ أمس.",
            )
        )
        ticket = self.tickets()
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.name, "الطابعة لا تعمل")
        self.assertEqual(ticket.channel, "email")
        self.assertEqual(ticket.partner_id.email, "omar.haddad@newcustomer.example.com")
        self.assertEqual(ticket.partner_id.name, "Omar Haddad")
        self.assertEqual(ticket.sla_id, self.sla)
        self.assertFalse(ticket.first_response_date, "the customer's own mail is not a response")

    def test_reply_appends_to_the_thread_and_reopens(self):
        self.process(
            MAIL_NEW.format(
                sender="known@example.com", to=self.to, subject="Broken", msgid="m2", body="It broke"
            )
        )
        ticket = self.tickets()
        ticket.stage_id = self.stage_solved
        reply = MAIL_NEW.format(
            sender="known@example.com", to=self.to, subject="Re: Broken", msgid="m3", body="Still broken"
        ).replace("MIME-Version", "In-Reply-To: <m2@customer.example.com>\nMIME-Version")
        self.process(reply)
        self.assertEqual(len(self.tickets()), 1, "a reply must not open a second ticket")
        self.assertTrue(ticket.message_ids.filtered(lambda m: "Still broken" in (m.body or "")))
        self.assertFalse(ticket.is_closed, "a customer reply reopens a closed ticket")
        self.assertEqual(ticket.reopen_count, 1)

    def reply(self, msgid, parent, headers="", sender="known@example.com", body="Still broken"):
        """A reply (In-Reply-To ``parent``) with extra raw header lines."""
        return MAIL_NEW.format(
            sender=sender, to=self.to, subject="Re: Broken", msgid=msgid, body=body
        ).replace("MIME-Version", f"{headers}In-Reply-To: <{parent}@customer.example.com>\nMIME-Version")

    def closed_ticket(self, msgid):
        self.process(
            MAIL_NEW.format(
                sender="known@example.com", to=self.to, subject="Broken", msgid=msgid, body="It broke"
            )
        )
        ticket = self.tickets().filtered(lambda t: t.name == "Broken")
        ticket.stage_id = self.stage_solved
        return ticket

    def test_auto_replies_do_not_reopen_tickets(self):
        ticket = self.closed_ticket("ar0")
        auto_headers = [
            "Auto-Submitted: auto-replied\n",
            "Auto-Submitted: auto-generated; owner-email=x@example.com\n",
            "Precedence: bulk\n",
            "Precedence: junk\n",
            "Precedence: list\n",
            "Precedence: auto_reply\n",
            "X-Autoreply: yes\n",
            "X-Autorespond: Out of office\n",
            "Return-Path: <>\n",
        ]
        for index, header in enumerate(auto_headers):
            with self.subTest(header=header.strip()):
                self.process(self.reply(f"ar{index + 1}", "ar0", header, body=f"Out of office {index}"))
                self.assertTrue(ticket.is_closed, "an auto-reply must not reopen the ticket")
                self.assertEqual(ticket.reopen_count, 0)
                # logged on the ticket all the same: the agent sees the out-of-office
                self.assertTrue(
                    ticket.message_ids.filtered(lambda m, i=index: f"Out of office {i}" in m.body)
                )
        self.assertEqual(len(self.tickets()), 1)
        # "Auto-Submitted: no" is a person writing: it reopens
        self.process(self.reply("ar99", "ar0", "Auto-Submitted: no\n"))
        self.assertFalse(ticket.is_closed)
        self.assertEqual(ticket.reopen_count, 1)

    def test_auto_replies_open_no_ticket_and_make_no_contact(self):
        self.team.mail_create_partner = True
        Partner = self.env["res.partner"].with_context(active_test=False)
        for index, header in enumerate(
            [
                "Auto-Submitted: auto-replied\n",
                "Precedence: bulk\n",
                "X-Autoreply: yes\n",
                "Return-Path: <>\n",
            ]
        ):
            with self.subTest(header=header.strip()):
                sender = f"robot{index}@autoresponder.example.com"
                raw = MAIL_NEW.format(
                    sender=sender, to=self.to, subject="Out of office", msgid=f"an{index}", body="Away"
                ).replace("MIME-Version", f"{header}MIME-Version")
                self.process(raw)
                self.assertFalse(self.tickets(), "an auto-reply must not open a ticket")
                self.assertFalse(Partner.search([("email", "ilike", sender)]), "nor make a contact")
        # the same mail from a person opens a ticket and, as the team allows it, a contact
        self.process(
            MAIL_NEW.format(
                sender="person@autoresponder.example.com", to=self.to, subject="Help", msgid="an9", body="x"
            )
        )
        self.assertEqual(len(self.tickets()), 1)
        self.assertEqual(self.tickets().partner_id.email, "person@autoresponder.example.com")

    def test_bounce_on_a_closed_ticket_does_not_reopen_it(self):
        ticket = self.closed_ticket("bo0")
        self.process(self.reply("bo1", "bo0", sender="MAILER-DAEMON@mx.example.com", body="Undeliverable"))
        self.assertTrue(ticket.is_closed)
        self.assertEqual(len(self.tickets()), 1)

    def test_employee_mail_does_not_reopen(self):
        ticket = self.closed_ticket("em0")
        self.process(self.reply("em1", "em0", sender=self.agent_1.email, body="Closing note"))
        self.assertTrue(ticket.is_closed, "an employee's mail on a closed ticket does not reopen it")

    def test_unknown_sender_without_team_consent_keeps_the_address(self):
        self.assertFalse(self.team.mail_create_partner, "off by default")
        Partner = self.env["res.partner"].with_context(active_test=False)
        before = Partner.search_count([])
        self.process(
            MAIL_NEW.format(
                sender='"Nadia Stranger" <nadia@unknown.example.com>',
                to=self.to,
                subject="Question",
                msgid="uk1",
                body="Hello",
            )
        )
        ticket = self.tickets()
        self.assertEqual(len(ticket), 1)
        self.assertFalse(ticket.partner_id)
        self.assertIn("nadia@unknown.example.com", ticket.partner_email)
        self.assertEqual(Partner.search_count([]), before, "no contact made from the mail")
        # an agent answers: the contact made for the answer becomes the ticket's customer
        contact = Partner.create({"name": "Nadia Stranger", "email": "nadia@unknown.example.com"})
        ticket.with_user(self.agent_1).message_post(
            body="We are on it",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=contact.ids,
        )
        self.assertEqual(ticket.partner_id, contact)
        # a reply from the same address now comes from the known contact
        self.process(self.reply("uk2", "uk1", sender="nadia@unknown.example.com", body="Thanks"))
        self.assertEqual(len(self.tickets()), 1)

    def test_known_sender_of_another_company_is_not_linked(self):
        company_b = self.env["res.company"].create({"name": "Mail Company B"})
        self.env["res.partner"].create(
            {"name": "B only", "email": "bonly@example.com", "company_id": company_b.id}
        )
        self.process(
            MAIL_NEW.format(sender="bonly@example.com", to=self.to, subject="Hi", msgid="kb1", body="x")
        )
        ticket = self.tickets()
        self.assertEqual(len(ticket), 1)
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.partner_email, "bonly@example.com")

    def test_malformed_mails_do_not_crash_the_gateway(self):
        # no sender, no subject, a charset that does not exist and invalid bytes
        raw = (
            b"To: help-desk@service.example.com\r\n"
            b"Message-ID: <m4@broken.example.com>\r\n"
            b'Content-Type: text/plain; charset="x-no-such-charset"\r\n\r\n'
            b"\xff\xfe garbage \x00 body"
        )
        self.process(raw)
        ticket = self.tickets()
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.name, "No Subject")
        self.assertFalse(ticket.partner_id)
        # a sender address that is not an address
        self.process(
            MAIL_NEW.format(sender="<<<not an address>>>", to=self.to, subject="Hi", msgid="m5", body="x")
        )
        self.assertEqual(len(self.tickets()), 2)

    def test_bounce_does_not_open_a_ticket(self):
        before = self.env["crm.ticket"].search_count([])
        bounce = MAIL_NEW.format(
            sender="MAILER-DAEMON@mx.example.com",
            to="bounce@service.example.com",
            subject="Undelivered Mail Returned to Sender",
            msgid="m6",
            body="The mail system could not deliver",
        )
        self.process(bounce)
        self.assertEqual(self.env["crm.ticket"].search_count([]), before)


@tagged("post_install", "-at_install")
class TestTicketAccess(TicketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        service = cls.env.ref("crm_extended.group_crm_service_user")
        cls.user_a = cls.env["res.users"].create(
            {
                "name": "Agent A",
                "login": "tk_agent_a",
                "company_id": cls.env.company.id,
                "company_ids": [Command.set(cls.env.company.ids)],
                "groups_id": [Command.set(service.ids)],
            }
        )
        cls.team_b = cls.env["crm.ticket.team"].create({"name": "Team B", "company_id": cls.company_b.id})
        cls.ticket_b = cls.env["crm.ticket"].create(
            {"name": "B's problem", "team_id": cls.team_b.id, "company_id": cls.company_b.id}
        )
        cls.ticket_a = cls.env["crm.ticket"].create(
            {"name": "A's problem", "team_id": cls.team.id, "partner_id": cls.customer.id}
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Customer", "is_company": True})
        cls.other_ticket = cls.env["crm.ticket"].create(
            {"name": "Other's problem", "team_id": cls.team.id, "partner_id": cls.other_customer.id}
        )
        contact = cls.env["res.partner"].create({"name": "Zahra's colleague", "parent_id": cls.customer.id})
        cls.portal_user = cls.env["res.users"].create(
            {
                "name": "Portal Zahra",
                "login": "tk_portal_zahra",
                "partner_id": contact.id,
                "groups_id": [Command.set(cls.env.ref("base.group_portal").ids)],
            }
        )

    def test_company_a_user_cannot_read_company_b_tickets(self):
        Ticket = self.env["crm.ticket"].with_user(self.user_a)
        self.assertNotIn(self.ticket_b, Ticket.search([]))
        self.assertIn(self.ticket_a, Ticket.search([]))
        with self.assertRaises(AccessError):
            self.ticket_b.with_user(self.user_a).read(["name"])

    def test_portal_user_sees_only_his_company_tickets(self):
        Ticket = self.env["crm.ticket"].with_user(self.portal_user)
        self.assertEqual(Ticket.search([]), self.ticket_a)
        with self.assertRaises(AccessError):
            self.other_ticket.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.ticket_a.with_user(self.portal_user).write({"name": "hacked"})
        with self.assertRaises(AccessError):
            Ticket.create({"name": "direct create", "partner_id": self.other_customer.id})

    def test_user_without_service_rights_cannot_read_tickets(self):
        plain = self.env["res.users"].create(
            {
                "name": "Plain employee",
                "login": "tk_plain",
                "groups_id": [Command.set(self.env.ref("base.group_user").ids)],
            }
        )
        with self.assertRaises(AccessError):
            self.env["crm.ticket"].with_user(plain).search([])


@tagged("post_install", "-at_install")
class TestInteractions(TicketCase):
    def test_log_from_ticket_and_timeline_order(self):
        ticket = self.make_ticket()
        action = ticket.action_log_interaction()
        self.assertEqual(action["res_model"], "crm.interaction")
        self.assertEqual(action["context"]["default_ticket_id"], ticket.id)
        self.assertEqual(action["context"]["default_channel"], "call", "a phone ticket is answered by a call")
        contact = self.env["res.partner"].create({"name": "Contact", "parent_id": self.customer.id})
        self.env["crm.interaction"].create(
            [
                {
                    "name": "Old call",
                    "partner_id": contact.id,
                    "channel": "call",
                    "date": "2025-01-01 10:00:00",
                },
                {
                    "name": "Recent visit",
                    "partner_id": self.customer.id,
                    "ticket_id": ticket.id,
                    "channel": "visit",
                    "date": "2026-11-01 10:00:00",
                    "outcome": "positive",
                },
            ]
        )
        ticket.message_post(
            body="We will send a technician", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.env.flush_all()
        timeline = self.customer.crm_timeline_ids
        self.assertIn(
            "We will send a technician", timeline.filtered(lambda e: e.kind == "message").mapped("name")
        )
        kinds = set(timeline.mapped("kind"))
        self.assertTrue({"interaction", "ticket", "message"} <= kinds)
        self.assertIn("Old call", timeline.mapped("name"), "contacts roll up to the company")
        dates = timeline.mapped("date")
        self.assertEqual(dates, sorted(dates, reverse=True))
        self.assertEqual(self.customer.crm_interaction_count, 2)
        self.assertEqual(contact.crm_interaction_count, 2)
        self.assertEqual(ticket.interaction_count, 1)
        self.assertEqual(self.customer.crm_open_ticket_count, 1)

    def test_interaction_analysis_by_channel_and_outcome(self):
        Interaction = self.env["crm.interaction"]
        Interaction.create(
            [
                {"partner_id": self.customer.id, "channel": "call", "outcome": "positive"},
                {"partner_id": self.customer.id, "channel": "call", "outcome": "no_answer"},
                {"partner_id": self.customer.id, "channel": "chat", "outcome": "positive"},
            ]
        )
        groups = Interaction._read_group(
            [("partner_id", "=", self.customer.id)], ["channel", "outcome"], ["__count"]
        )
        self.assertIn(("call", "positive", 1), groups)
        self.assertIn(("chat", "positive", 1), groups)

    def test_rating_request_on_close_and_csat(self):
        ticket = self.make_ticket(user_id=self.agent_1.id)
        ticket.stage_id = self.stage_solved
        rating = ticket.rating_ids
        self.assertEqual(len(rating), 1, "closing asks the customer to rate")
        self.assertEqual(rating.rated_partner_id, self.agent_1.partner_id)
        ticket.rating_apply(5, token=rating.access_token, feedback="Great")
        self.assertEqual(ticket.rating_last_value, 5)
        self.team.invalidate_recordset()
        self.assertEqual(self.team.rating_percentage_satisfaction, 100)
