from odoo import _, models
from odoo.exceptions import UserError

from .return_links import _TRUSTED, _TRUSTED_KEY


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    def _create_return(self):
        # The context key only names the ticket the wizard was opened from: the link is made
        # after checking the user may return goods against that ticket, for this delivery.
        ticket_id = self.env.context.get("crm_ticket_id")
        ticket = self.env["crm.ticket"]
        if ticket_id:
            if not isinstance(ticket_id, int):
                raise UserError(_("Invalid service ticket."))
            ticket = ticket.browse(ticket_id).exists()
            if not ticket:
                raise UserError(_("The service ticket of this return no longer exists."))
            ticket._crm_return_check_allowed(self.picking_id)
        new_picking = super()._create_return()
        if ticket:
            new_picking.with_context(**{_TRUSTED_KEY: _TRUSTED}).crm_ticket_id = ticket
            ticket.message_post(
                body=_("Return %(picking)s created.", picking=new_picking._get_html_link()),
                subtype_xmlid="mail.mt_note",
            )
        return new_picking
