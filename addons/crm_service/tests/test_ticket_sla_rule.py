"""Issue 12, items 2 and 6 for tickets: the SLA status is one rule serving the stored compute and
the cron, and the cron's status changes leave their trace in the chatter."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import TicketCase


@tagged("post_install", "-at_install")
class TestSlaStatusOneRule(TicketCase):
    def _cases(self, created):
        """Tickets in every situation the rule distinguishes, created at ``created``
        (Monday 8:00: response due 10:00, resolution 17:00)."""
        tickets = {
            "untouched": self.make_ticket(created=created),
            "answered_in_time": self.make_ticket(created=created),
            "answered_late": self.make_ticket(created=created),
        }
        with freeze_time(created + timedelta(hours=1)):
            tickets["answered_in_time"].with_user(self.agent_1).message_post(
                body="On it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        with freeze_time(created + timedelta(hours=3)):
            tickets["answered_late"].with_user(self.agent_1).message_post(
                body="Sorry", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        return tickets

    def test_compute_and_cron_decide_alike(self):
        """At each instant, the statuses the cron writes for many tickets are the ones the
        stored compute gives each ticket alone: a second version of the rule in either path
        would make them differ."""
        created = datetime(2026, 11, 23, 8, 0)
        tickets = self._cases(created)
        Ticket = self.env["crm.ticket"]
        seen = set()
        # every 20 minutes from creation to the day after: on track, at risk, breached
        for step in range(0, 26 * 3):
            now = created + timedelta(minutes=20 * step)
            Ticket._sla_recompute_open(now=now)
            by_cron = {name: t.sla_status for name, t in tickets.items()}
            for name, ticket in tickets.items():
                with self.subTest(now=now, ticket=name), freeze_time(now):
                    self.env.add_to_compute(Ticket._fields["sla_status"], ticket)
                    ticket.flush_recordset(["sla_status"])
                    self.assertEqual(ticket.sla_status, by_cron[name])
            seen.update(by_cron.values())
        self.assertEqual(seen, {"on_track", "at_risk", "breached"})

    def test_cron_leaves_a_trace_of_each_status_change(self):
        ticket = self.make_ticket(created=datetime(2026, 11, 23, 8, 0))
        self.assertEqual(ticket.sla_status, "on_track")
        Ticket = self.env["crm.ticket"]

        def sla_trackings():
            return ticket.message_ids.tracking_value_ids.filtered(
                lambda v: v.field_id.name == "sla_status"
            ).sorted("id")

        before = sla_trackings()
        Ticket._sla_recompute_open(now=datetime(2026, 11, 23, 9, 40))
        # the cache follows the raw write: no invalidation needed by the caller
        self.assertEqual(ticket.sla_status, "at_risk")
        Ticket._sla_recompute_open(now=datetime(2026, 11, 23, 10, 5))
        self.assertEqual(ticket.sla_status, "breached")
        new = sla_trackings() - before
        self.assertEqual(
            [(v.old_value_char, v.new_value_char) for v in new],
            [("On track", "At risk"), ("At risk", "Breached")],
        )
        breach = new[-1].mail_message_id
        self.assertIn("SLA breached at 2026-11-23 10:05:00", str(breach.body))
        self.assertEqual(breach.model, "crm.ticket")
        self.assertEqual(breach.res_id, ticket.id)
        self.assertEqual(breach.subtype_id, self.env.ref("mail.mt_note"))
        # nothing changed, nothing logged
        Ticket._sla_recompute_open(now=datetime(2026, 11, 23, 10, 10))
        self.assertEqual(sla_trackings() - before, new)
