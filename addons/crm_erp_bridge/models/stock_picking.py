from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    opportunity_id = fields.Many2one(
        "crm.lead", "Opportunity", related="sale_id.opportunity_id", readonly=True
    )
