from odoo import fields, models

from .crm_ticket_team import SERVICE_READERS


class ResPartner(models.Model):
    _inherit = "res.partner"

    # the users who may read tickets (a plain employee reads contacts only)
    crm_ticket_count = fields.Integer(
        string="Tickets", compute="_compute_crm_ticket_counts", groups=SERVICE_READERS
    )
    crm_open_ticket_count = fields.Integer(
        string="Open Tickets", compute="_compute_crm_ticket_counts", groups=SERVICE_READERS
    )

    def _compute_crm_ticket_counts(self):
        """Counts at the commercial-partner level, one grouped query."""
        tickets = self.env["crm.ticket"]._read_group(
            [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
            ["commercial_partner_id", "is_closed"],
            ["__count"],
        )
        all_tickets, open_tickets = {}, {}
        for partner, is_closed, count in tickets:
            all_tickets[partner.id] = all_tickets.get(partner.id, 0) + count
            if not is_closed:
                open_tickets[partner.id] = open_tickets.get(partner.id, 0) + count
        for partner in self:
            key = partner.commercial_partner_id.id
            partner.crm_ticket_count = all_tickets.get(key, 0)
            partner.crm_open_ticket_count = open_tickets.get(key, 0)

    def action_view_crm_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.action_crm_ticket")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
