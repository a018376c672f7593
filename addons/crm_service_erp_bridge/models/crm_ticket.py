from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

from .return_links import _TRUSTED, _TRUSTED_KEY


class CrmTicket(models.Model):
    _inherit = "crm.ticket"

    # Internal: a portal customer follows his ticket, not the warehouse's and accounting's work.
    return_picking_ids = fields.One2many(
        "stock.picking", "crm_ticket_id", string="Returns", groups="base.group_user"
    )
    credit_note_ids = fields.One2many(
        "account.move", "crm_ticket_id", string="Credit Notes", groups="base.group_user"
    )
    return_picking_count = fields.Integer(compute="_compute_return_counts", groups="base.group_user")
    credit_note_count = fields.Integer(compute="_compute_return_counts", groups="base.group_user")
    can_create_return = fields.Boolean(compute="_compute_can_create_return", groups="base.group_user")

    @api.depends("return_picking_ids", "credit_note_ids")
    def _compute_return_counts(self):
        for ticket in self:
            ticket.return_picking_count = len(ticket.return_picking_ids)
            ticket.credit_note_count = len(ticket.credit_note_ids)

    @api.depends("ticket_type_id.code", "sale_order_id.picking_ids.state", "is_closed")
    def _compute_can_create_return(self):
        # Only for users who may make returns; the deliveries are read as superuser so that a
        # service user without sales or stock rights can still open the ticket.
        allowed = self.env.su or self.env.user.has_group("stock.group_stock_user")
        for ticket in self:
            ticket.can_create_return = bool(
                allowed
                and ticket.ticket_type_id.code == "return"
                and not ticket.is_closed
                and ticket.sudo()._crm_returnable_deliveries()
            )

    def _crm_returnable_deliveries(self):
        self.ensure_one()
        return self.sale_order_id.picking_ids.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
        ).sorted("date_done", reverse=True)

    def action_create_return(self):
        """Open Odoo's return wizard on the order's latest delivery; the return it creates is
        linked to this ticket (the user picks the lines and quantities there)."""
        self.ensure_one()
        self._crm_return_check_allowed()
        if not self.sale_order_id:
            raise UserError(_("Link the ticket to the sales order whose goods come back."))
        deliveries = self._crm_returnable_deliveries()
        if not deliveries:
            raise UserError(
                _("Sales order %(order)s has no delivered goods to return.", order=self.sale_order_id.name)
            )
        picking = deliveries[0]
        return {
            "type": "ir.actions.act_window",
            "name": _("Return of %(picking)s", picking=picking.name),
            "res_model": "stock.return.picking",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_id": picking.id,
                "active_ids": picking.ids,
                "active_model": "stock.picking",
                "crm_ticket_id": self.id,
            },
        }

    def _crm_return_check_allowed(self, picking=None):
        """Who may return goods against this ticket: a user who may change the ticket and make
        returns in the warehouse; ``picking``, when given, must be a delivery of its order."""
        self.ensure_one()
        self.check_access("write")
        if not self.env.su and not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(_("Only Inventory users can create a return from a ticket."))
        if self.ticket_type_id.code != "return" or self.is_closed:
            raise UserError(_("Only open tickets of type Return can create a return."))
        if picking is not None and picking not in self._crm_returnable_deliveries():
            raise UserError(
                _(
                    "%(picking)s is not a delivery of the ticket's sales order %(order)s.",
                    picking=picking.display_name,
                    order=self.sale_order_id.display_name,
                )
            )

    def action_view_return_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", self.return_picking_ids.ids)]
        if len(self.return_picking_ids) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=self.return_picking_ids.id)
        return action

    def action_view_credit_notes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_refund_type")
        action["domain"] = [("id", "in", self.credit_note_ids.ids)]
        if len(self.credit_note_ids) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=self.credit_note_ids.id)
        return action

    def _crm_return_check_done(self):
        """Close return tickets whose returns are received and credit notes posted."""
        stage = self.env["crm.ticket.stage"].search([("is_closed", "=", True)], limit=1)
        for ticket in self.filtered(lambda t: not t.is_closed and t.return_picking_ids):
            pickings = ticket.return_picking_ids
            if any(p.state not in ("done", "cancel") for p in pickings) or not any(
                p.state == "done" for p in pickings
            ):
                continue
            credit_notes = ticket.credit_note_ids.filtered(lambda m: m.state != "cancel")
            if any(m.state != "posted" for m in credit_notes):
                continue
            ticket.message_post(
                body=_("Return received and credited: the ticket is closed."), subtype_xmlid="mail.mt_note"
            )
            if stage:
                ticket.stage_id = stage

    def _crm_propose_credit_note(self, return_picking):
        """A draft credit note for the invoiced part of what came back (sales prices of the
        order lines, linked to them so invoiced quantities stay right)."""
        self.ensure_one()
        order = self.sale_order_id
        returned = defaultdict(float)
        # Only lines of the ticket's own order: the credit note is made as superuser below.
        for move in return_picking.move_ids.filtered(
            lambda m: m.state == "done" and m.sale_line_id.order_id == order
        ):
            line = move.sale_line_id
            returned[line] += move.product_uom._compute_quantity(move.quantity, line.product_uom)
        lines = []
        for sale_line, qty in returned.items():
            already = sum(
                aml.product_uom_id._compute_quantity(aml.quantity, sale_line.product_uom)
                for aml in sale_line.invoice_lines
                if aml.move_id.move_type == "out_refund"
                and aml.move_id.state != "cancel"
                and aml.move_id.crm_return_picking_id == return_picking
            )
            credited = min(qty, sale_line.qty_invoiced) - already
            if float_compare(credited, 0.0, precision_rounding=sale_line.product_uom.rounding) > 0:
                lines.append(Command.create(sale_line._prepare_invoice_line(quantity=credited)))
        if not lines:
            return self.env["account.move"]
        vals = order.with_company(order.company_id)._prepare_invoice()
        vals.update(
            {
                "move_type": "out_refund",
                "invoice_line_ids": lines,
                "crm_ticket_id": self.id,
                "crm_return_picking_id": return_picking.id,
                "ref": _("Return %(picking)s (%(ticket)s)", picking=return_picking.name, ticket=self.number),
            }
        )
        # Proposed by the system when a stock user validates the return our flow linked to this
        # ticket (checked in _create_return); posting it stays an accountant's decision.
        credit_note = (
            self.env["account.move"]
            .sudo()
            .with_company(order.company_id)
            .with_context(**{_TRUSTED_KEY: _TRUSTED})
            .create(vals)
        )
        self.message_post(
            body=_(
                "Return %(picking)s received: draft credit note %(move)s proposed.",
                picking=return_picking._get_html_link(),
                move=credit_note._get_html_link(),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return credit_note
