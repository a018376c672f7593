from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    o2c_amount_ordered = fields.Monetary(
        "Ordered",
        compute="_compute_o2c_amounts",
        currency_field="company_currency",
        groups="sales_team.group_sale_salesman",
    )
    o2c_amount_delivered = fields.Monetary(
        "Delivered",
        compute="_compute_o2c_amounts",
        currency_field="company_currency",
        groups="sales_team.group_sale_salesman",
    )
    o2c_amount_invoiced = fields.Monetary(
        "Invoiced",
        compute="_compute_o2c_amounts",
        currency_field="company_currency",
        groups="sales_team.group_sale_salesman",
    )
    o2c_amount_paid = fields.Monetary(
        "Paid",
        compute="_compute_o2c_amounts",
        currency_field="company_currency",
        groups="sales_team.group_sale_salesman",
    )

    @api.depends(
        "order_ids.state",
        "order_ids.o2c_amount_ordered",
        "order_ids.o2c_amount_delivered",
        "order_ids.o2c_amount_invoiced",
        "order_ids.o2c_amount_paid",
    )
    def _compute_o2c_amounts(self):
        """Totals of the lead's confirmed orders the user may read, in the lead's company
        currency (converted at the order date when an order is in another company)."""
        currencies = {lead._origin.id: lead.company_currency for lead in self}
        totals = self.env["sale.order"]._o2c_totals(
            [("opportunity_id", "in", self._origin.ids)], "opportunity_id", currencies
        )
        for lead in self:
            ordered, delivered, invoiced, paid = totals.get(lead._origin.id, (0.0,) * 4)
            lead.o2c_amount_ordered = ordered
            lead.o2c_amount_delivered = delivered
            lead.o2c_amount_invoiced = invoiced
            lead.o2c_amount_paid = paid

    def action_view_order_to_cash(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_erp_bridge.action_order_to_cash")
        action["domain"] = [("opportunity_id", "=", self.id), ("state", "=", "sale")]
        action["context"] = {"default_opportunity_id": self.id}
        return action
