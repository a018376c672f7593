from odoo import fields, models


class CrmTicketStage(models.Model):
    _name = "crm.ticket.stage"
    _description = "Ticket Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(help="Folded in the kanban view when empty.")
    is_closed = fields.Boolean(
        string="Closed Stage",
        help="Tickets in this stage are solved or cancelled: the SLA clock stops and the "
        "customer is asked to rate the service.",
    )
    sla_paused = fields.Boolean(
        string="Pauses the SLA",
        help="While a ticket sits in this stage (e.g. waiting on the customer), the "
        "working hours spent there are added to its deadlines.",
    )
    team_ids = fields.Many2many(
        "crm.ticket.team",
        string="Teams",
        help="Teams using this stage; empty means every team.",
    )
    description = fields.Text(translate=True)
