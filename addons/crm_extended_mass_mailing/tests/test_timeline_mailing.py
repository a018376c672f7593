"""Mailings a customer received are rows of his timeline (issue 13, item 5), with what he did
with them, seen only by who may read mailings; checked over JSON-RPC."""

from odoo.tests import TransactionCase, tagged
from odoo.tools.sql import index_exists, table_exists

from ..hooks import uninstall_hook
from .common import SegmentMailingRpcCase


@tagged("post_install", "-at_install")
class TestTimelineMailing(SegmentMailingRpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls.env["res.partner"].create(
            {"name": "Member Contact", "parent_id": cls.member.id, "email": "contact@example.com"}
        )
        cls.blacklisted = cls.env["res.partner"].create(
            {"name": "Blacklisted Member", "email": "bl.member@example.com", "comment": "crm-mm-a"}
        )
        cls.env["mail.blacklist"].create({"email": "bl.member@example.com"})
        # the customer's own note: a row every employee sees
        cls.member.message_post(body="MEMBER-NOTE", message_type="comment", subtype_xmlid="mail.mt_note")

    def _timeline(self, who, partner=None):
        rows = self.rpc(
            who,
            "crm.partner.timeline",
            "search_read",
            [[("partner_id", "=", (partner or self.member).id)]],
            {"fields": ["kind", "name", "channel", "res_model", "res_id", "user_id"]},
        )
        return rows

    def _mailing_rows(self, who, partner=None):
        return [r for r in self._timeline(who, partner) if r["kind"] == "mailing"]

    def _send(self):
        mailing = self.create_segment_mailing(self.segment_a, self.users["marketer"])
        mailing.with_user(self.users["marketer"]).action_send_mail()
        self.deliver(mailing)
        trace = self.env["mailing.trace"].search(
            [("mass_mailing_id", "=", mailing.id), ("res_id", "=", self.member.id)]
        )
        self.assertEqual(trace.trace_status, "sent")
        return mailing, trace

    def test_member_timeline_shows_the_mailing_and_what_he_did(self):
        self.assertFalse(self._mailing_rows("marketer"))
        mailing, trace = self._send()
        rows = self._mailing_rows("marketer")
        self.assertEqual(len(rows), 1, rows)
        row = rows[0]
        self.assertEqual(
            (row["name"], row["channel"], row["res_model"], row["res_id"], row["user_id"][0]),
            ("Segment A", "email sent", "mailing.mailing", mailing.id, self.users["marketer"].id),
        )
        # the row opens the mailing
        action = self.rpc("marketer", "crm.partner.timeline", "action_open_source", [[row["id"]]])
        self.assertEqual((action["res_model"], action["res_id"]), ("mailing.mailing", mailing.id))

        # what core records when the customer opens, clicks, replies shows on the row
        trace.set_opened()
        self.env.flush_all()
        self.assertEqual(self._mailing_rows("marketer")[0]["channel"], "email opened")
        trace.set_clicked()
        self.env.flush_all()
        self.assertEqual(self._mailing_rows("marketer")[0]["channel"], "email clicked")
        trace.set_replied()
        self.env.flush_all()
        self.assertEqual(self._mailing_rows("marketer")[0]["channel"], "email replied")

    def test_bounced_and_cancelled_traces(self):
        mailing, trace = self._send()
        trace.set_bounced(bounce_message="550 unknown user")
        self.env.flush_all()
        self.assertEqual(self._mailing_rows("marketer")[0]["channel"], "email bounced")
        # the blacklisted member got nothing: no row
        cancelled = self.env["mailing.trace"].search(
            [("mass_mailing_id", "=", mailing.id), ("res_id", "=", self.blacklisted.id)]
        )
        self.assertEqual(cancelled.trace_status, "cancel")
        self.assertFalse(self._mailing_rows("marketer", self.blacklisted))

    def test_only_traces_that_left_are_rows(self):
        """Queued (waiting for the mail queue), held and failed traces were not received."""
        _mailing, trace = self._send()
        for status in ("outgoing", "process", "error", "cancel"):
            trace.write({"trace_status": status, "sent_datetime": False})
            self.env.flush_all()
            self.assertFalse(self._mailing_rows("marketer"), status)
        # 'pending' is core's "Sent" of an SMS waiting for its delivery report
        trace.trace_status = "pending"
        self.env.flush_all()
        self.assertEqual(self._mailing_rows("marketer")[0]["channel"], "email sent")

    def test_sms_traces_show_their_medium(self):
        """SMS Marketing's traces (trace_type 'sms', added by core's mass_mailing_sms) are the
        same rows, their channel says sms."""
        _mailing, trace = self._send()
        self.env.cr.execute("UPDATE mailing_trace SET trace_type = 'sms' WHERE id = %s", [trace.id])
        trace.invalidate_recordset()
        self.assertEqual(self._mailing_rows("marketer")[0]["channel"], "sms sent")
        trace.set_clicked()
        self.env.flush_all()
        self.assertEqual(self._mailing_rows("marketer")[0]["channel"], "sms clicked")

    def test_mailing_to_a_contact_or_a_lead_counts_for_the_company(self):
        """A mailing sent to a person of the customer, or to a lead of his, is the customer's."""
        lead = self.env["crm.lead"].create(
            {"name": "Lead of member", "partner_id": self.contact.id, "email_from": "lead@example.com"}
        )
        for model, record in (("res.partner", self.contact), ("crm.lead", lead)):
            mailing = self.env["mailing.mailing"].create(
                {
                    "subject": f"To a {model}",
                    "body_html": "<p>Hi</p>",
                    "mailing_model_id": self.env["ir.model"]._get_id(model),
                    "mailing_domain": repr([("id", "=", record.id)]),
                }
            )
            mailing.action_send_mail()
            self.deliver(mailing)
        names = {r["name"] for r in self._mailing_rows("marketer")}
        self.assertEqual(names, {"To a res.partner", "To a crm.lead"})
        # the person's own timeline is his company's (commercial partner)
        self.assertFalse(self._mailing_rows("marketer", self.contact))

    def test_rows_need_email_marketing_rights(self):
        self._send()
        self.assertTrue(self._mailing_rows("marketer"))
        self.assertTrue(self._mailing_rows("mailing_only"))
        for who in ("salesman", "sales_admin", "employee", "service"):
            rows = self._timeline(who)
            self.assertTrue(rows, f"{who} sees the customer's other rows")
            self.assertFalse([r for r in rows if r["kind"] == "mailing"], f"{who} has no Email Marketing")
        # nor by id, through a read of the customer's timeline field
        row_id = self._mailing_rows("marketer")[0]["id"]
        self.assertRpcRefused("salesman", "crm.partner.timeline", "read", [[row_id]], {"fields": ["name"]})
        self.assertFalse(self._timeline("other_company"))


@tagged("post_install", "-at_install")
class TestTimelineUninstall(TransactionCase):
    def test_uninstall_drops_the_rows(self):
        """The view keeps this addon's rows until it is rebuilt: the uninstall drops it, and the
        registry reload that ends an uninstall (check_tables_exist) builds it again from the
        addons that stay."""
        self.assertTrue(index_exists(self.env.cr, "mailing_trace_crm_model_res_id_idx"))
        uninstall_hook(self.env)
        self.assertFalse(table_exists(self.env.cr, "crm_partner_timeline"))
        self.assertFalse(index_exists(self.env.cr, "mailing_trace_crm_model_res_id_idx"))
        self.registry.check_tables_exist(self.env.cr)
        self.assertTrue(table_exists(self.env.cr, "crm_partner_timeline"))
        self.env["crm.partner.timeline"].search_count([])
