from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    o2c_amount_ordered = fields.Monetary(
        "Ordered", compute="_compute_o2c_amounts", currency_field="company_currency"
    )
    o2c_amount_delivered = fields.Monetary(
        "Delivered", compute="_compute_o2c_amounts", currency_field="company_currency"
    )
    o2c_amount_invoiced = fields.Monetary(
        "Invoiced", compute="_compute_o2c_amounts", currency_field="company_currency"
    )
    o2c_amount_paid = fields.Monetary(
        "Paid", compute="_compute_o2c_amounts", currency_field="company_currency"
    )

    @api.depends(
        "order_ids.state",
        "order_ids.amount_ordered",
        "order_ids.amount_delivered",
        "order_ids.amount_invoiced",
        "order_ids.amount_paid",
    )
    def _compute_o2c_amounts(self):
        """Totals of the lead's confirmed orders, in the company currency: one aggregate."""
        totals = {
            lead.id: rest
            for lead, *rest in self.env["sale.order"]._read_group(
                [("opportunity_id", "in", self.ids), ("state", "=", "sale")],
                ["opportunity_id"],
                [
                    "amount_ordered:sum",
                    "amount_delivered:sum",
                    "amount_invoiced:sum",
                    "amount_paid:sum",
                ],
            )
        }
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
