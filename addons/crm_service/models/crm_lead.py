from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    crm_ticket_ids = fields.One2many("crm.ticket", "lead_id", string="Service Tickets")
    crm_ticket_count = fields.Integer(string="Tickets", compute="_compute_crm_ticket_count")

    def _compute_crm_ticket_count(self):
        tickets = dict(
            self.env["crm.ticket"]._read_group([("lead_id", "in", self.ids)], ["lead_id"], ["__count"])
        )
        for lead in self:
            lead.crm_ticket_count = tickets.get(lead, 0)

    def action_view_crm_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.action_crm_ticket")
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"default_lead_id": self.id, "default_partner_id": self.partner_id.id}
        return action
