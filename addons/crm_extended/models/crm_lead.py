from odoo import fields, models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.segment.mirror.mixin"]

    crm_interaction_count = fields.Integer(string="Interactions", compute="_compute_crm_interaction_count")

    def _compute_crm_interaction_count(self):
        interactions = dict(
            self.env["crm.interaction"]._read_group([("lead_id", "in", self.ids)], ["lead_id"], ["__count"])
        )
        for lead in self:
            lead.crm_interaction_count = interactions.get(lead, 0)

    def action_log_interaction(self):
        self.ensure_one()
        return self.env["crm.interaction"]._action_log(
            partner=self.partner_id, extra={"default_lead_id": self.id}
        )

    def action_view_crm_interactions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_extended.action_crm_interaction")
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"default_lead_id": self.id, "default_partner_id": self.partner_id.id}
        return action
