from odoo import api, models

# the columns of account_move the customer 360 figures are computed from
CUSTOMER_360_COLUMNS = frozenset({"state", "move_type", "partner_id", "amount_untaxed_signed", "company_id"})


class AccountMove(models.Model):
    _inherit = "account.move"

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        self.env["res.partner"]._crm_queue_customer_360(move_ids=moves.ids)
        return moves

    def _write_multi(self, vals_list):
        # Every stored value reaches the table here, whatever the path: posting, reset to
        # draft, cancelling, a reversal's refund, or a compute moving the untaxed amount.
        res = super()._write_multi(vals_list)
        ids = [
            record.id
            for record, vals in zip(self, vals_list, strict=True)
            if not CUSTOMER_360_COLUMNS.isdisjoint(vals)
        ]
        if ids:
            self.env["res.partner"]._crm_queue_customer_360(move_ids=ids)
        return res
