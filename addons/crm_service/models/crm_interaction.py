from odoo import api, fields, models


class CrmInteraction(models.Model):
    _inherit = "crm.interaction"

    ticket_id = fields.Many2one("crm.ticket", index="btree_not_null", check_company=True, ondelete="set null")

    @api.model
    def _source_fields(self):
        return ("ticket_id", *super()._source_fields())

    @api.onchange("ticket_id")
    def _onchange_ticket_id(self):
        if self.ticket_id and not self.partner_id:
            self.partner_id = self.ticket_id.partner_id
