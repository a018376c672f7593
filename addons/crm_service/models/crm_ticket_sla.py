from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_ticket import TICKET_PRIORITIES

# An SLA longer than a year of round-the-clock hours is a typing error; larger values also
# overflow the deadline arithmetic (1e9 hours crashed ticket creation).
MAX_SLA_HOURS = 8760


class CrmTicketSla(models.Model):
    _name = "crm.ticket.sla"
    _description = "Ticket SLA Policy"
    _order = "team_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    team_id = fields.Many2one("crm.ticket.team", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="team_id.company_id", store=True)
    ticket_type_ids = fields.Many2many("crm.ticket.type", string="Ticket Types", help="Empty means any type.")
    priority = fields.Selection(TICKET_PRIORITIES, help="Empty means any priority.")
    response_hours = fields.Float(
        string="First Response (working hours)",
        help="Working hours of the team's calendar allowed before the first answer.",
    )
    resolution_hours = fields.Float(
        string="Resolution (working hours)",
        required=True,
        help="Working hours of the team's calendar allowed to close the ticket.",
    )
    description = fields.Text(translate=True)

    @api.constrains("response_hours", "resolution_hours")
    def _check_hours(self):
        for sla in self:
            if sla.resolution_hours <= 0:
                raise ValidationError(_("SLA %(name)s: the resolution time must be positive.", name=sla.name))
            if sla.resolution_hours > MAX_SLA_HOURS:
                raise ValidationError(
                    _(
                        "SLA %(name)s: the resolution time cannot exceed %(max)s working hours.",
                        name=sla.name,
                        max=MAX_SLA_HOURS,
                    )
                )
            if sla.response_hours < 0 or sla.response_hours > sla.resolution_hours:
                raise ValidationError(
                    _(
                        "SLA %(name)s: the first response time must be between 0 and the resolution time.",
                        name=sla.name,
                    )
                )

    def _matches(self, ticket_type, priority):
        self.ensure_one()
        return (not self.ticket_type_ids or ticket_type in self.ticket_type_ids) and (
            not self.priority or self.priority == priority
        )
