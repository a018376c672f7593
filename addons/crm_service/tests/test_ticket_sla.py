from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import TicketCase


@tagged("post_install", "-at_install")
class TestTicketSla(TicketCase):
    def test_deadlines_skip_nights_and_weekend(self):
        # Friday 2026-11-20 15:00: 2 working hours left that day
        ticket = self.make_ticket(created=datetime(2026, 11, 20, 15, 0))
        self.assertEqual(ticket.first_response_deadline, datetime(2026, 11, 20, 17, 0))
        # 8 h = Fri 15-17 (2) + Mon 8-12 (4) + Mon 13-15 (2)
        self.assertEqual(ticket.sla_deadline, datetime(2026, 11, 23, 15, 0))
        # created on Saturday: the clock starts on Monday morning
        ticket = self.make_ticket(created=datetime(2026, 11, 21, 10, 0))
        self.assertEqual(ticket.first_response_deadline, datetime(2026, 11, 23, 10, 0))
        self.assertEqual(ticket.sla_deadline, datetime(2026, 11, 23, 17, 0))

    def test_deadlines_skip_public_holidays(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "National Day",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 11, 23, 0, 0),
                "date_to": datetime(2026, 11, 23, 23, 59, 59),
            }
        )
        ticket = self.make_ticket(created=datetime(2026, 11, 20, 15, 0))
        self.assertEqual(ticket.sla_deadline, datetime(2026, 11, 24, 15, 0))

    def test_deadlines_follow_the_team_time_zone(self):
        riyadh = self.make_calendar("Riyadh office", "Asia/Riyadh")  # UTC+3: works 05:00-14:00 UTC
        self.team.resource_calendar_id = riyadh
        ticket = self.make_ticket(created=datetime(2026, 11, 23, 4, 0))  # 07:00 in Riyadh
        self.assertEqual(ticket.first_response_deadline, datetime(2026, 11, 23, 7, 0))  # 10:00 local
        # 8 h: 08-12 and 13-17 local = 05-09 and 10-14 UTC
        self.assertEqual(ticket.sla_deadline, datetime(2026, 11, 23, 14, 0))

    def test_orm_and_cron_agree(self):
        starts = [datetime(2026, 11, 20, h, 30) for h in range(0, 24, 3)]
        rows = [(self.calendar, start, 2.0, 8.0, 0.0) for start in starts]
        planned = self.env["crm.ticket"]._sla_plan_deadlines(rows)
        for start, (_response, resolution) in zip(starts, planned, strict=True):
            ticket = self.make_ticket(created=start)
            self.assertEqual(ticket.sla_deadline, resolution)
            self.assertEqual(
                self.env["resource.calendar"]
                .browse(self.calendar.id)
                .get_work_hours_count(start, resolution, compute_leaves=True),
                8.0,
            )

    def test_most_demanding_policy_applies(self):
        urgent = self.env["crm.ticket.sla"].create(
            {
                "name": "Urgent",
                "team_id": self.team.id,
                "priority": "3",
                "response_hours": 0.5,
                "resolution_hours": 4,
            }
        )
        complaint = self.env.ref("crm_service.ticket_type_complaint")
        typed = self.env["crm.ticket.sla"].create(
            {
                "name": "Complaints",
                "team_id": self.team.id,
                "ticket_type_ids": [Command.set(complaint.ids)],
                "response_hours": 1,
                "resolution_hours": 6,
            }
        )
        self.assertEqual(self.make_ticket(priority="3").sla_id, urgent)
        self.assertEqual(self.make_ticket(ticket_type_id=complaint.id).sla_id, typed)
        self.assertEqual(self.make_ticket(priority="1").sla_id, self.sla)
        other_team = self.env["crm.ticket.team"].create({"name": "No SLA"})
        ticket = self.make_ticket(team_id=other_team.id)
        self.assertFalse(ticket.sla_id)
        self.assertFalse(ticket.sla_deadline)
        self.assertFalse(ticket.sla_status)

    def test_invalid_policies_are_refused(self):
        with self.assertRaises(ValidationError):
            self.env["crm.ticket.sla"].create(
                {"name": "Zero", "team_id": self.team.id, "resolution_hours": 0}
            )
        with self.assertRaises(ValidationError):
            self.env["crm.ticket.sla"].create(
                {"name": "Backwards", "team_id": self.team.id, "response_hours": 9, "resolution_hours": 8}
            )
        # finding 9: 1e9 hours crashed ticket creation (OverflowError); refused with a clear message
        for hours in (1e9, 8760.5):
            with self.subTest(hours=hours), self.assertRaisesRegex(ValidationError, "cannot exceed 8760"):
                self.env["crm.ticket.sla"].create(
                    {"name": "Forever", "team_id": self.team.id, "resolution_hours": hours}
                )
        with self.assertRaises(ValidationError):
            self.sla.response_hours = -1
        # the longest allowed policy still gives deadlines
        self.sla.write({"response_hours": 8760, "resolution_hours": 8760})
        ticket = self.make_ticket()
        self.assertGreater(ticket.sla_deadline, ticket.create_date)

    def test_status_transitions(self):
        created = datetime(2026, 11, 23, 8, 0)  # Monday: response 10:00, resolution 17:00
        ticket = self.make_ticket(created=created)
        Ticket = self.env["crm.ticket"]
        self.assertEqual(ticket.sla_status, "on_track")
        Ticket._sla_recompute_open(now=datetime(2026, 11, 23, 9, 40))  # 75 % of the response time
        self.assertEqual(ticket.sla_status, "at_risk")
        with freeze_time("2026-11-23 09:50:00"):
            ticket.with_user(self.agent_1).message_post(
                body="We are on it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(ticket.first_response_date, datetime(2026, 11, 23, 9, 50))
        Ticket._sla_recompute_open(now=datetime(2026, 11, 23, 10, 30))
        self.assertEqual(ticket.sla_status, "on_track")
        Ticket._sla_recompute_open(now=datetime(2026, 11, 23, 15, 30))  # 75 % of the resolution time
        self.assertEqual(ticket.sla_status, "at_risk")
        Ticket._sla_recompute_open(now=datetime(2026, 11, 23, 17, 1))
        self.assertEqual(ticket.sla_status, "breached")
        with freeze_time("2026-11-23 18:00:00"):
            ticket.stage_id = self.stage_solved
        self.assertEqual(ticket.close_date, datetime(2026, 11, 23, 18, 0))
        self.assertEqual(ticket.sla_status, "failed")
        self.assertEqual(ticket.sla_success, 0)

        on_time = self.make_ticket(created=created)
        with freeze_time("2026-11-23 09:30:00"):
            on_time.stage_id = self.stage_solved
        self.assertEqual(on_time.sla_status, "met")
        self.assertEqual(on_time.first_response_date, datetime(2026, 11, 23, 9, 30), "closing answers")
        self.assertEqual(on_time.sla_success, 100)

        # closed in time for the resolution but never answered within the response time
        late_answer = self.make_ticket(created=created)
        with freeze_time("2026-11-23 12:00:00"):
            late_answer.stage_id = self.stage_solved
        self.assertEqual(late_answer.sla_status, "failed")

    def test_internal_note_is_not_a_response(self):
        ticket = self.make_ticket()
        ticket.message_post(body="Looks like a driver issue", subtype_xmlid="mail.mt_note")
        self.assertFalse(ticket.first_response_date)
        ticket.with_user(self.agent_1).message_post(
            body="Hello, please restart", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertTrue(ticket.first_response_date)

    def test_waiting_on_customer_pauses_the_clock(self):
        ticket = self.make_ticket(created=datetime(2026, 11, 23, 8, 0))
        self.assertEqual(ticket.sla_deadline, datetime(2026, 11, 23, 17, 0))
        with freeze_time("2026-11-23 09:00:00"):
            ticket.stage_id = self.stage_waiting
        self.assertEqual(ticket.sla_pause_start, datetime(2026, 11, 23, 9, 0))
        # frozen while paused, whatever the time
        self.env["crm.ticket"]._sla_recompute_open(now=datetime(2026, 11, 24, 9, 0))
        self.assertEqual(ticket.sla_status, "on_track")
        with freeze_time("2026-11-23 14:00:00"):  # 4 working hours later (lunch excluded)
            ticket.stage_id = self.stage_progress
        self.assertEqual(ticket.sla_paused_hours, 4.0)
        self.assertFalse(ticket.sla_pause_start)
        self.assertEqual(ticket.sla_deadline, datetime(2026, 11, 24, 12, 0))

    def test_reopen_keeps_history(self):
        ticket = self.make_ticket()
        ticket.stage_id = self.stage_solved
        self.assertTrue(ticket.close_date)
        ticket.stage_id = self.stage_progress
        self.assertFalse(ticket.close_date)
        self.assertEqual(ticket.reopen_count, 1)
        self.assertIn(ticket.sla_status, ("on_track", "at_risk", "breached"))
        self.assertTrue(ticket.message_ids.filtered(lambda m: "reopened" in (m.body or "")))
        ticket.stage_id = self.stage_solved
        self.assertTrue(ticket.close_date)

    def test_escalation_once_per_level(self):
        ticket = self.make_ticket(created=datetime(2026, 11, 23, 8, 0))
        Ticket = self.env["crm.ticket"]

        def leader_activities():
            return ticket.activity_ids.filtered(lambda a: a.user_id == self.leader)

        Ticket._sla_recompute_open(now=datetime(2026, 11, 23, 9, 40))
        Ticket._sla_escalate()
        self.assertEqual(len(leader_activities()), 1)
        self.assertIn("at risk", leader_activities().summary)
        Ticket._sla_escalate()
        self.assertEqual(len(leader_activities()), 1, "no second activity for the same level")
        Ticket._sla_recompute_open(now=datetime(2026, 11, 23, 17, 30))
        Ticket._sla_escalate()
        self.assertEqual(len(leader_activities()), 2)
        self.assertEqual(ticket.sla_escalation, "breached")

    def test_holiday_added_later_moves_open_deadlines(self):
        ticket = self.make_ticket(created=datetime(2026, 11, 20, 15, 0))
        self.assertEqual(ticket.sla_deadline, datetime(2026, 11, 23, 15, 0))
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Storm day",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 11, 23, 0, 0),
                "date_to": datetime(2026, 11, 23, 23, 59, 59),
            }
        )
        result = self.env["crm.ticket"]._sla_recompute_open(now=datetime(2026, 11, 20, 16, 0))
        self.assertGreaterEqual(result["deadlines_changed"], 1)
        self.assertEqual(ticket.sla_deadline, datetime(2026, 11, 24, 15, 0))


@tagged("post_install", "-at_install")
class TestTicketAssignment(TicketCase):
    def test_round_robin(self):
        self.team.assignment_method = "round_robin"
        users = [self.make_ticket().user_id for _i in range(4)]
        self.assertEqual(users, [self.agent_1, self.agent_2, self.agent_1, self.agent_2])
        self.assertEqual(self.make_ticket(user_id=self.leader.id).user_id, self.leader)

    def test_manual_team_leaves_tickets_unassigned(self):
        ticket = self.make_ticket()
        self.assertFalse(ticket.user_id)
        ticket.with_user(self.agent_2).action_assign_to_me()
        self.assertEqual(ticket.user_id, self.agent_2)

    def test_numbers_and_dashboard(self):
        first, second = self.make_ticket(), self.make_ticket(priority="3")
        self.assertNotEqual(first.number, second.number)
        self.assertTrue(first.number.startswith("TCK/"))
        self.assertIn(first.number, first.display_name)
        self.assertEqual(self.team.open_ticket_count, 2)
        self.assertEqual(self.team.unassigned_ticket_count, 2)
        first.stage_id = self.stage_solved
        self.team.invalidate_recordset()
        self.assertEqual(self.team.open_ticket_count, 1)
        self.assertEqual(self.team.sla_compliance, 100.0)
