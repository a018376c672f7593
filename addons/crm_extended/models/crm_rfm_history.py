from odoo import fields, models

from .res_partner import RFM_SEGMENTS


class CrmRfmHistory(models.Model):
    _name = "crm.rfm.history"
    _description = "RFM Segment Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    old_segment = fields.Selection(RFM_SEGMENTS, "From", readonly=True)
    new_segment = fields.Selection(RFM_SEGMENTS, "To", readonly=True)
    rfm_score = fields.Char("Score", readonly=True)
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
