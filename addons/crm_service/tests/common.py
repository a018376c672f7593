from odoo import Command
from odoo.tests import TransactionCase


class TicketCase(TransactionCase):
    """A team on an 8-17 UTC working calendar (weekdays, lunch 12-13) with a leader, two agents
    and a 2 h response / 8 h resolution SLA; a customer; the default stages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_create_nolog=True))
        cls.calendar = cls.make_calendar("Service 8-17 UTC", "UTC")
        cls.leader = cls.env["res.users"].create(
            {"name": "Leila Leader", "login": "tk_leader", "email": "leader@example.com"}
        )
        service = cls.env.ref("crm_extended.group_crm_service_user")
        cls.agent_1 = cls.env["res.users"].create(
            {
                "name": "Agent One",
                "login": "tk_agent1",
                "email": "agent1@example.com",
                "groups_id": [Command.set(service.ids)],
            }
        )
        cls.agent_2 = cls.env["res.users"].create(
            {
                "name": "Agent Two",
                "login": "tk_agent2",
                "email": "agent2@example.com",
                "groups_id": [Command.set(service.ids)],
            }
        )
        cls.team = cls.env["crm.ticket.team"].create(
            {
                "name": "Test Care",
                "resource_calendar_id": cls.calendar.id,
                "user_id": cls.leader.id,
                "member_ids": [Command.set([cls.agent_1.id, cls.agent_2.id])],
            }
        )
        cls.sla = cls.env["crm.ticket.sla"].create(
            {"name": "Standard", "team_id": cls.team.id, "response_hours": 2, "resolution_hours": 8}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Zahra Customer", "email": "zahra@example.com", "is_company": True}
        )
        cls.stage_new = cls.env.ref("crm_service.ticket_stage_new")
        cls.stage_progress = cls.env.ref("crm_service.ticket_stage_in_progress")
        cls.stage_waiting = cls.env.ref("crm_service.ticket_stage_waiting")
        cls.stage_solved = cls.env.ref("crm_service.ticket_stage_solved")

    @classmethod
    def make_calendar(cls, name, tz):
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": tz,
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"{day} {period}",
                            "dayofweek": str(day),
                            "hour_from": h_from,
                            "hour_to": h_to,
                        }
                    )
                    for day in range(5)
                    for period, h_from, h_to in (("am", 8, 12), ("pm", 13, 17))
                ],
            }
        )

    def make_ticket(self, created=None, **vals):
        ticket = self.env["crm.ticket"].create(
            {"name": "Printer on fire", "partner_id": self.customer.id, "team_id": self.team.id, **vals}
        )
        if created:
            self.env.cr.execute("UPDATE crm_ticket SET create_date = %s WHERE id = %s", [created, ticket.id])
            ticket.invalidate_recordset()
            self.env["crm.ticket"]._sla_recompute_open(now=created)
        return ticket
