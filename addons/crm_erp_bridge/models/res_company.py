from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_control_policy = fields.Selection(
        [("off", "Off"), ("warn", "Warn"), ("block", "Block")],
        string="Credit Control",
        default="off",
        required=True,
        help="What happens when a quotation is confirmed for a customer over its credit limit "
        "(including open orders) or with overdue invoices: nothing, a warning logged on the "
        "order, or a blocking error that only a Sales Manager can override with a reason.",
    )
