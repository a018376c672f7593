from odoo import fields, models


class CrmTicketType(models.Model):
    _name = "crm.ticket.type"
    _description = "Ticket Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Technical key other modules rely on (e.g. 'return' creates return pickings).")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Two ticket types cannot share the same code."),
    ]
