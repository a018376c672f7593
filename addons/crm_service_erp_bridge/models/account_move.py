from odoo import api, fields, models

from .return_links import _check_link_vals


class AccountMove(models.Model):
    _inherit = "account.move"

    crm_ticket_id = fields.Many2one(
        "crm.ticket",
        string="Service Ticket",
        index="btree_not_null",
        copy=False,
        readonly=True,
        groups="base.group_user",
    )
    crm_return_picking_id = fields.Many2one(
        "stock.picking", string="Return", copy=False, readonly=True, groups="base.group_user"
    )

    @api.model_create_multi
    def create(self, vals_list):
        _check_link_vals(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        _check_link_vals(self, [vals])
        return super().write(vals)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # Bookkeeping of our return flow after core allowed the posting (see _action_done).
        posted.sudo().crm_ticket_id._crm_return_check_done()
        return posted

    def action_view_crm_ticket(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.ticket",
            "res_id": self.crm_ticket_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
