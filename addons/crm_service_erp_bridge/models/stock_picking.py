from odoo import api, fields, models

from .return_links import _check_link_vals


class StockPicking(models.Model):
    _inherit = "stock.picking"

    crm_ticket_id = fields.Many2one(
        "crm.ticket",
        string="Service Ticket",
        index="btree_not_null",
        copy=False,
        readonly=True,
        groups="base.group_user",
    )

    @api.model_create_multi
    def create(self, vals_list):
        _check_link_vals(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        _check_link_vals(self, [vals])
        return super().write(vals)

    def _action_done(self):
        result = super()._action_done()
        # The user could validate these pickings (core checked it) and their ticket link was
        # made by our return flow only: the credit note proposal and the ticket's closing are
        # the system's bookkeeping, done as superuser so that a warehouse user needs no
        # accounting or service rights (messages keep the user as author).
        returns = self.sudo().filtered(lambda p: p.crm_ticket_id and p.state == "done")
        for picking in returns:
            if not picking.crm_ticket_id.credit_note_ids.filtered(
                lambda m, p=picking: m.crm_return_picking_id == p
            ):
                picking.crm_ticket_id._crm_propose_credit_note(picking)
        returns.crm_ticket_id._crm_return_check_done()
        return result

    def action_view_crm_ticket(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.ticket",
            "res_id": self.crm_ticket_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
