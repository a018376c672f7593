from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_control_block = fields.Boolean(
        "Block Confirmation over Credit",
        help="With Invoicing's Sales Credit Limit on: a quotation whose customer is over its credit "
        "limit (core's warning) or has overdue invoices cannot be confirmed; a Sales Administrator "
        "may confirm it with a reason, logged on the order.",
    )
    credit_control_policy = fields.Selection(
        [("off", "Off"), ("warn", "Warn"), ("block", "Block")],
        string="Credit Control",
        compute="_compute_credit_control_policy",
        inverse="_inverse_credit_control_policy",
        help="Off: no credit limit (Invoicing's Sales Credit Limit off). Warn: Odoo's own credit "
        "limit warning on quotations. Block: the same, and confirmation over the limit or with "
        "overdue invoices is refused unless a Sales Administrator overrides it with a reason.",
    )

    @api.depends("account_use_credit_limit", "credit_control_block")
    def _compute_credit_control_policy(self):
        for company in self:
            if not company.account_use_credit_limit:
                company.credit_control_policy = "off"
            else:
                company.credit_control_policy = "block" if company.credit_control_block else "warn"

    def _inverse_credit_control_policy(self):
        for company in self:
            policy = company.credit_control_policy or "off"
            company.account_use_credit_limit = policy != "off"
            company.credit_control_block = policy == "block"
