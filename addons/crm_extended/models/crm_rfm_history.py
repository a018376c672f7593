from odoo import fields, models

from .res_partner import RFM_SEGMENTS


class CrmRfmHistory(models.Model):
    _name = "crm.rfm.history"
    _description = "RFM Segment Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", readonly=True, index=True, help="The customer's company; empty for a shared customer."
    )
    date = fields.Date(required=True, readonly=True)
    old_segment = fields.Selection(RFM_SEGMENTS, "From", readonly=True)
    new_segment = fields.Selection(RFM_SEGMENTS, "To", readonly=True)
    rfm_score = fields.Char("Score", readonly=True)
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson", compute_sudo=False)

    def init(self):
        # rows written before the company column existed take their customer's company
        self.env.cr.execute(
            """
            UPDATE crm_rfm_history h SET company_id = p.company_id
              FROM res_partner p
             WHERE p.id = h.partner_id AND h.company_id IS NULL AND p.company_id IS NOT NULL
            """
        )
