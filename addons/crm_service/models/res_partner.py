from odoo import _, api, fields, models
from odoo.addons.crm_extended.models.res_partner import RETENTION_YEARS_BOUNDS, bounded_int_param
from odoo.osv import expression
from odoo.tools import email_normalize, html2plaintext

from .crm_ticket_team import SERVICE_READERS

RETENTION_TICKET_PARAM = "crm_service.retention_ticket_years"


class ResPartner(models.Model):
    _inherit = "res.partner"

    # the users who may read tickets (a plain employee reads contacts only)
    crm_ticket_count = fields.Integer(
        string="Tickets", compute="_compute_crm_ticket_counts", groups=SERVICE_READERS
    )
    crm_open_ticket_count = fields.Integer(
        string="Open Tickets", compute="_compute_crm_ticket_counts", groups=SERVICE_READERS
    )

    def _compute_crm_ticket_counts(self):
        """Counts at the commercial-partner level, one grouped query."""
        tickets = self.env["crm.ticket"]._read_group(
            [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
            ["commercial_partner_id", "is_closed"],
            ["__count"],
        )
        all_tickets, open_tickets = {}, {}
        for partner, is_closed, count in tickets:
            all_tickets[partner.id] = all_tickets.get(partner.id, 0) + count
            if not is_closed:
                open_tickets[partner.id] = open_tickets.get(partner.id, 0) + count
        for partner in self:
            key = partner.commercial_partner_id.id
            partner.crm_ticket_count = all_tickets.get(key, 0)
            partner.crm_open_ticket_count = open_tickets.get(key, 0)

    def action_view_crm_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.action_crm_ticket")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    # ------------------------------------------------------------------ privacy

    def _crm_anonymize_blockers(self):
        reasons = super()._crm_anonymize_blockers()
        tickets = self._crm_customer_tickets()
        if tickets.filtered(lambda t: not t.is_closed):
            reasons.append(_("a service ticket is still open: close it first"))
        if tickets.company_id - self.env.user.company_ids:
            reasons.append(
                _(
                    "tickets of a company you do not work in concern this customer: its administrator must do it"
                )
            )
        return reasons

    def _crm_customer_tickets(self):
        """The tickets of these contacts, and those opened from exactly one of their addresses
        by someone who never became a contact (``ilike`` only narrows the candidates: an
        address inside a longer one, or ``_`` as a wildcard, must not catch other people's)."""
        Ticket = self.env["crm.ticket"].with_context(active_test=False)
        tickets = Ticket.search([("partner_id", "in", self.ids)])
        emails = {email for email in self.mapped("email_normalized") if email}
        if emails:
            candidates = Ticket.search(
                expression.AND(
                    [
                        [("partner_id", "=", False)],
                        expression.OR([[("partner_email", "ilike", email)] for email in emails]),
                    ]
                )
            )
            tickets |= candidates.filtered(lambda t: email_normalize(t.partner_email) in emails)
        return tickets

    def _crm_anonymize_records(self):
        result = super()._crm_anonymize_records()
        self._crm_customer_tickets()._crm_anonymize()
        return result

    def _crm_export_data(self):
        data = super()._crm_export_data()
        customer = self.commercial_partner_id
        contacts = self.with_context(active_test=False).search([("id", "child_of", customer.id)])
        tickets = contacts._crm_customer_tickets()
        data["tickets"] = [
            {
                "number": ticket.number,
                "subject": ticket.name,
                "opened": ticket.create_date,
                "closed": ticket.close_date,
                "stage": ticket.stage_id.name,
                "channel": ticket.channel,
                "email": ticket.partner_email or "",
                "description": html2plaintext(ticket.description or ""),
                "messages": [
                    {
                        "date": message.date,
                        "author": message.author_id.display_name or message.email_from or "",
                        "body": html2plaintext(message.body or ""),
                    }
                    for message in ticket.message_ids
                    if message.message_type in ("email", "comment") and not message.is_internal
                ],
            }
            for ticket in tickets
        ]
        return data

    @api.model
    def _crm_privacy_lookup_fields(self):
        # a ticket opened by mail from someone who is no contact keeps only his address
        return [*super()._crm_privacy_lookup_fields(), ("crm.ticket", "partner_email", "email")]

    @api.model
    def _crm_retention_anonymize(self, limit):
        done, remaining = super()._crm_retention_anonymize(limit)
        years = bounded_int_param(self.env, RETENTION_TICKET_PARAM, 0, RETENTION_YEARS_BOUNDS)
        more, left = self.env["crm.ticket"]._crm_retention_anonymize(years, limit)
        return done + more, remaining + left
