from odoo import fields, models

from .crm_ticket_config import SERVICE_READERS


class ResPartner(models.Model):
    _inherit = "res.partner"

    # the users who may read tickets and interactions (a plain employee reads contacts only)
    crm_ticket_count = fields.Integer(
        string="Tickets", compute="_compute_crm_service_counts", groups=SERVICE_READERS
    )
    crm_open_ticket_count = fields.Integer(
        string="Open Tickets", compute="_compute_crm_service_counts", groups=SERVICE_READERS
    )
    crm_interaction_count = fields.Integer(
        string="Interactions", compute="_compute_crm_service_counts", groups=SERVICE_READERS
    )
    crm_timeline_ids = fields.One2many(
        "crm.partner.timeline", "partner_id", string="Timeline", groups="base.group_user"
    )

    def _compute_crm_service_counts(self):
        """Counts at the commercial-partner level, one grouped query per model."""
        commercial = self.commercial_partner_id
        tickets = self.env["crm.ticket"]._read_group(
            [("commercial_partner_id", "in", commercial.ids)],
            ["commercial_partner_id", "is_closed"],
            ["__count"],
        )
        all_tickets, open_tickets = {}, {}
        for partner, is_closed, count in tickets:
            all_tickets[partner.id] = all_tickets.get(partner.id, 0) + count
            if not is_closed:
                open_tickets[partner.id] = open_tickets.get(partner.id, 0) + count
        interactions = {
            partner.id: count
            for partner, count in self.env["crm.interaction"]._read_group(
                [("commercial_partner_id", "in", commercial.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        }
        for partner in self:
            key = partner.commercial_partner_id.id
            partner.crm_ticket_count = all_tickets.get(key, 0)
            partner.crm_open_ticket_count = open_tickets.get(key, 0)
            partner.crm_interaction_count = interactions.get(key, 0)

    def action_view_crm_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_extended.action_crm_ticket")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_crm_interactions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_extended.action_crm_interaction")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_crm_timeline(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_extended.action_crm_partner_timeline")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action

    def action_log_interaction(self):
        self.ensure_one()
        return self.env["crm.interaction"]._action_log(partner=self)
