import json

from odoo import Command, http
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestTicketPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Portal Customer Co", "is_company": True, "email": "co@example.com"}
        )
        cls.portal_user = cls.env["res.users"].create(
            {
                "name": "Portal Pat",
                "login": "tk_portal_pat",
                "password": "tk_portal_pat",
                "email": "pat@example.com",
                "parent_id": cls.customer.id,
                "groups_id": [Command.set(cls.env.ref("base.group_portal").ids)],
            }
        )
        cls.team = cls.env["crm.ticket.team"].create({"name": "Portal Team"})
        cls.ticket = cls.env["crm.ticket"].create(
            {
                "name": "My washing machine leaks",
                "partner_id": cls.portal_user.partner_id.id,
                "team_id": cls.team.id,
            }
        )
        stranger = cls.env["res.partner"].create({"name": "Stranger", "is_company": True})
        cls.foreign = cls.env["crm.ticket"].create(
            {"name": "Confidential stranger ticket", "partner_id": stranger.id, "team_id": cls.team.id}
        )

    def test_portal_list_create_reply_and_rate(self):
        self.authenticate("tk_portal_pat", "tk_portal_pat")
        page = self.url_open("/my/tickets")
        self.assertEqual(page.status_code, 200)
        self.assertIn("My washing machine leaks", page.text)
        self.assertNotIn("Confidential stranger ticket", page.text)

        # another customer's ticket sends back to /my
        response = self.url_open(f"/my/tickets/{self.foreign.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertNotIn("Confidential", response.text)

        # a new request from the web form, with an attachment
        form = self.url_open("/my/tickets/new")
        self.assertEqual(form.status_code, 200)
        response = self.url_open(
            "/my/tickets/new",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "name": "Door handle broken",
                "description": "The handle fell off.\nPhoto attached.",
            },
            files={"attachments": ("handle.txt", b"photo bytes", "text/plain")},
        )
        self.assertEqual(response.status_code, 200)
        new = self.env["crm.ticket"].search([("name", "=", "Door handle broken")])
        self.assertEqual(len(new), 1)
        self.assertEqual(new.partner_id, self.portal_user.partner_id)
        self.assertEqual(new.channel, "web")
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "crm.ticket"), ("res_id", "=", new.id)]
        )
        self.assertEqual(attachment.name, "handle.txt")
        self.assertEqual(attachment.raw, b"photo bytes")
        self.assertIn("Door handle broken", response.text)

        # empty form is refused with a message, nothing created
        response = self.url_open(
            "/my/tickets/new", data={"csrf_token": http.Request.csrf_token(self), "name": ""}
        )
        self.assertIn("Please give a subject and a description", response.text)

        # reply in the portal chatter
        reply = self.url_open(
            "/mail/message/post",
            data=json.dumps(
                {
                    "params": {
                        "thread_model": "crm.ticket",
                        "thread_id": self.ticket.id,
                        "post_data": {"body": "Any news?", "message_type": "comment"},
                    }
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(reply.status_code, 200)
        self.assertNotIn("error", reply.json())
        self.assertTrue(self.ticket.message_ids.filtered(lambda m: "Any news?" in (m.body or "")))

        # close, then rate from the portal page
        self.ticket.stage_id = self.env.ref("crm_service.ticket_stage_solved")
        page = self.url_open(f"/my/tickets/{self.ticket.id}")
        self.assertIn("How satisfied are you", page.text)
        token = self.ticket.rating_ids.filtered(lambda r: not r.consumed).access_token
        self.assertIn(f"/rate/{token}/5", page.text)
        response = self.url_open(
            f"/rate/{token}/submit_feedback",
            data={"csrf_token": http.Request.csrf_token(self), "rate": 5, "feedback": "Fixed fast"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.ticket.rating_last_value, 5)

    def test_other_portal_user_cannot_open_the_ticket(self):
        other = self.env["res.users"].create(
            {
                "name": "Other Portal",
                "login": "tk_portal_other",
                "password": "tk_portal_other",
                "groups_id": [Command.set(self.env.ref("base.group_portal").ids)],
            }
        )
        self.assertTrue(other)
        self.authenticate("tk_portal_other", "tk_portal_other")
        response = self.url_open(f"/my/tickets/{self.ticket.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertNotIn("washing machine", self.url_open("/my/tickets").text)
