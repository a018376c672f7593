"""A mailing reaches a segment's members and refreshes them as the superuser: it is linked only
to a segment its author may read, and sent only by who may read it; over real JSON-RPC."""

from odoo.tests import tagged

from .common import SegmentMailingRpcCase


@tagged("post_install", "-at_install")
class TestSegmentMailingSecurityRpc(SegmentMailingRpcCase):
    def _mailing_vals(self, segment):
        return {
            "subject": "Sneaky",
            "body_html": "<p>Hi</p>",
            "mailing_model_id": self.partner_model_id,
            "mailing_domain": repr([("segment_ids", "in", [segment.id])]),
            "crm_segment_id": segment.id,
        }

    def _victim_state(self):
        self.env.invalidate_all()
        return (
            self.segment_b.partner_ids,
            self.segment_b.last_refresh,
            self.segment_b.mailing_ids,
            self.env["mailing.trace"].search_count([("res_id", "=", self.member_b.id)]),
        )

    def test_link_only_a_readable_segment(self):
        before = self._victim_state()
        # another company's segment, and any segment for who may not read segments at all
        for who, segment in (
            ("marketer", self.segment_b),
            ("mailing_only", self.segment_b),
            ("mailing_only", self.segment_a),
        ):
            self.assertRpcRefused(who, "mailing.mailing", "create", [self._mailing_vals(segment)])
        own = self.rpc("marketer", "mailing.mailing", "create", [self._mailing_vals(self.segment_a)])
        self.assertEqual(self.env["mailing.mailing"].browse(own).crm_segment_id, self.segment_a)
        self.assertRpcRefused(
            "marketer", "mailing.mailing", "write", [[own], {"crm_segment_id": self.segment_b.id}]
        )
        # the segment's Create Mailing of another company's segment
        self.assertRpcRefused(
            "marketer", "crm.customer.segment", "action_create_mailing", [[self.segment_b.id]]
        )
        # a context key grants nothing
        self.assertRpcRefused(
            "marketer",
            "mailing.mailing",
            "create",
            [self._mailing_vals(self.segment_b)],
            context={"allowed_company_ids": [self.company_b.id], "default_crm_segment_id": self.segment_b.id},
        )
        # unlinking is always allowed
        self.rpc("marketer", "mailing.mailing", "write", [[own], {"crm_segment_id": False}])
        self.assertFalse(self.env["mailing.mailing"].browse(own).crm_segment_id)
        self.assertEqual(self._victim_state(), before)

    def test_copy_of_a_mailing_to_an_unreadable_segment_refused(self):
        mailing = self.env["mailing.mailing"].create(self._mailing_vals(self.segment_b))
        before = self._victim_state()
        self.assertRpcRefused("marketer", "mailing.mailing", "copy", [[mailing.id]])
        self.assertEqual(self._victim_state(), before)

    def test_send_needs_the_segment(self):
        """A mailing linked to segment B by someone who could (the superuser here) is not sent
        by a marketer of company A: neither the refresh nor the mails reach B's members."""
        mailing = self.env["mailing.mailing"].create(self._mailing_vals(self.segment_b))
        # B's rule now matches a new customer: a refresh would add him
        self.env["res.partner"].create(
            {
                "name": "New B",
                "email": "new.b@example.com",
                "comment": "crm-mm-b",
                "company_id": self.company_b.id,
            }
        )
        before = self._victim_state()
        self.assertRpcRefused("marketer", "mailing.mailing", "action_send_mail", [[mailing.id]])
        self.assertEqual(self._victim_state(), before)
        self.assertFalse(self.env["mailing.trace"].search([("mass_mailing_id", "=", mailing.id)]))
        # the same call on a segment of his company sends it
        own = self.create_segment_mailing(self.segment_a, self.users["marketer"])
        self.rpc("marketer", "mailing.mailing", "action_send_mail", [[own.id]])
        self.assertEqual(
            self.env["mailing.trace"].search([("mass_mailing_id", "=", own.id)]).mapped("res_id"),
            self.member.ids,
        )

    def test_queue_holds_a_mailing_whose_responsible_lost_the_segment(self):
        """Scheduled mailings leave with the queue's cron (the superuser): one whose responsible
        may not read its segment waits as a draft, the others leave."""
        held = self.env["mailing.mailing"].create(self._mailing_vals(self.segment_b))
        held.user_id = self.users["marketer"]
        fine = self.create_segment_mailing(self.segment_a, self.users["marketer"])
        (held | fine).action_put_in_queue()
        before = self._victim_state()
        self.env.ref("mass_mailing.ir_cron_mass_mailing_queue").sudo().method_direct_trigger()
        self.assertEqual(self._victim_state(), before)
        self.assertEqual(held.state, "draft")
        self.assertIn("cannot read the mailing", held.message_ids[0].body)
        self.assertEqual(fine.state, "done")
        self.assertTrue(self.env["mailing.trace"].search([("mass_mailing_id", "=", fine.id)]))
