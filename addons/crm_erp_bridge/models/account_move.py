from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    opportunity_ids = fields.Many2many(
        "crm.lead",
        string="Opportunities",
        compute="_compute_opportunity_ids",
        help="Opportunities of the sales orders invoiced here.",
    )

    @api.depends("line_ids.sale_line_ids.order_id.opportunity_id")
    def _compute_opportunity_ids(self):
        for move in self:
            move.opportunity_ids = move.line_ids.sale_line_ids.order_id.opportunity_id

    @api.model
    def _crm_overdue_domain(self):
        """A customer invoice still due after its due date: the one definition, for the credit
        block (a customer's invoices) and the cockpit (an order's invoices)."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<", fields.Date.context_today(self)),
        ]

    def action_view_opportunities(self):
        self.ensure_one()
        leads = self.opportunity_ids
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_opportunities")
        if len(leads) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=leads.id)
        else:
            action["domain"] = [("id", "in", leads.ids)]
        return action
