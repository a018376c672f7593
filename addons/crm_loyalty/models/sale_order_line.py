from odoo import _, api, models

from .crm_loyalty_ledger import NO_RECONCILE, trusted


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        # a reward added to a confirmed order: core takes the points from the card, then
        # records them on the order's history line (_update_loyalty_history), which writes the
        # ledger's use entry; the balance change itself needs no entry of its own
        lines = super(SaleOrderLine, trusted(self, NO_RECONCILE)).create(vals_list).with_env(self.env)
        cards = lines.filtered(lambda line: line.coupon_id and line.state == "sale").coupon_id
        if cards:
            cards.sudo()._crm_reconcile_ledger(_("Balance change"))
        return lines
