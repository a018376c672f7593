"""Issue 14, privacy: a customer's tickets are anonymized with him, exported with his data and
anonymized once closed for longer than the retention setting."""

import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import TicketCase


@tagged("post_install", "-at_install")
class TestPrivacyTickets(TicketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="tk_privacy_manager", groups="sales_team.group_sale_manager"
        )
        cls.ticket = cls.env["crm.ticket"].create(
            {
                "name": "Zahra's broken heater",
                "description": "<p>SECRET-DESCRIPTION at 3 Rue Privée</p>",
                "partner_id": cls.customer.id,
                "team_id": cls.team.id,
            }
        )
        cls.ticket.message_post(body="SECRET-REPLY", message_type="comment", subtype_xmlid="mail.mt_comment")
        cls.env["ir.attachment"].create(
            {"name": "photo.txt", "raw": b"SECRET", "res_model": "crm.ticket", "res_id": cls.ticket.id}
        )
        # opened from her address before she was a contact
        cls.mail_ticket = cls.env["crm.ticket"].create(
            {
                "name": "Question from Zahra",
                "partner_email": "Zahra <ZAHRA@example.com>",
                "team_id": cls.team.id,
            }
        )
        cls.other = cls.env["crm.ticket"].create(
            {"name": "Someone else", "partner_email": "else@example.com", "team_id": cls.team.id}
        )
        # addresses that contain hers, or match it with "_" as a wildcard: other people's
        cls.look_alikes = cls.env["crm.ticket"].create(
            [
                {"name": "Nazahra's", "partner_email": "nazahra@example.com", "team_id": cls.team.id},
                {"name": "Australian", "partner_email": "zahra@example.com.au", "team_id": cls.team.id},
            ]
        )

    def test_open_ticket_blocks_anonymization(self):
        with self.assertRaisesRegex(UserError, "ticket"):
            self.customer.with_user(self.manager).action_anonymize_customer()
        self.assertEqual(self.ticket.name, "Zahra's broken heater")

    def test_anonymize_tickets(self):
        (self.ticket | self.mail_ticket).stage_id = self.stage_solved
        self.customer.with_user(self.manager).action_anonymize_customer()
        for ticket in self.ticket | self.mail_ticket:
            self.assertEqual(ticket.name, "Anonymized ticket")
            self.assertTrue(ticket.is_anonymized)
            self.assertFalse(ticket.description)
            self.assertFalse(ticket.partner_email)
            self.assertTrue(ticket.number, "the number stays for the reports")
        bodies = " ".join(str(b) for b in self.ticket.message_ids.mapped("body"))
        self.assertNotIn("SECRET", bodies)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "crm.ticket"), ("res_id", "=", self.ticket.id)]
            )
        )
        self.assertEqual(self.other.name, "Someone else", "other people's tickets stay")
        self.assertEqual(self.other.partner_email, "else@example.com")
        self.assertEqual(self.look_alikes.mapped("name"), ["Nazahra's", "Australian"])
        self.assertFalse(any(self.look_alikes.mapped("is_anonymized")))

    def test_another_company_ticket_blocks_anonymization(self):
        other = self.env["res.company"].create({"name": "Other Branch"})
        theirs = self.env["crm.ticket"].create(
            {"name": "Their ticket", "partner_id": self.customer.id, "company_id": other.id, "team_id": False}
        )
        (self.ticket | self.mail_ticket | theirs).stage_id = self.stage_solved
        with self.assertRaisesRegex(UserError, "company you do not work in"):
            self.customer.with_user(self.manager).action_anonymize_customer()
        self.assertEqual(theirs.name, "Their ticket")

    def test_export_has_tickets(self):
        _name, content = self.customer.with_user(self.manager)._crm_export_json()
        tickets = {t["subject"]: t for t in json.loads(content)["tickets"]}
        self.assertEqual(set(tickets), {"Zahra's broken heater", "Question from Zahra"}, "hers only")
        self.assertIn("SECRET-DESCRIPTION", tickets["Zahra's broken heater"]["description"])
        self.assertIn("SECRET-REPLY", [m["body"] for m in tickets["Zahra's broken heater"]["messages"]])

    def test_is_anonymized_is_bookkeeping(self):
        with self.assertRaises(AccessError):
            self.ticket.with_user(self.agent_1).write({"is_anonymized": True})

    def test_retention_of_closed_tickets(self):
        (self.ticket | self.other).stage_id = self.stage_solved
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_ticket SET close_date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(days=4 * 366), self.ticket.id),
        )
        self.ticket.invalidate_recordset(["close_date"])
        Partner = self.env["res.partner"]
        Partner._cron_crm_retention()
        self.assertFalse(self.ticket.is_anonymized, "0 years: kept")
        self.env["ir.config_parameter"].set_param("crm_service.retention_ticket_years", "3")
        Partner._cron_crm_retention()
        self.assertTrue(self.ticket.is_anonymized)
        self.assertEqual(self.ticket.name, "Anonymized ticket")
        self.assertFalse(self.other.is_anonymized, "closed recently")
        self.assertFalse(self.mail_ticket.is_anonymized, "still open")

    def test_privacy_lookup_finds_tickets_by_address(self):
        """What the privacy lookup glue adds to core's lookup: a ticket known by its address only."""
        queries = self.env["res.partner"]._crm_privacy_lookup_queries(
            "zahra@example.com", SQL("SELECT %s", self.customer.id)
        )
        self.env.flush_all()
        self.env.cr.execute(SQL(" UNION ALL ").join(queries))
        ticket_model = self.env["ir.model"]._get_id("crm.ticket")
        found = {res_id for model_id, res_id, _active in self.env.cr.fetchall() if model_id == ticket_model}
        self.assertIn(self.mail_ticket.id, found)
        self.assertNotIn(self.other.id, found)
