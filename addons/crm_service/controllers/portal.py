import base64

from odoo import _, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import plaintext2html

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class CrmTicketPortal(CustomerPortal):
    def _crm_ticket_domain(self):
        partner = request.env.user.partner_id
        return [("commercial_partner_id", "=", partner.commercial_partner_id.id)]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "crm_ticket_count" in counters:
            Ticket = request.env["crm.ticket"]
            values["crm_ticket_count"] = (
                Ticket.search_count(self._crm_ticket_domain()) if Ticket.has_access("read") else 0
            )
        return values

    def _crm_ticket_sortings(self):
        return {
            "date": {"label": _("Newest"), "order": "create_date desc, id desc"},
            "name": {"label": _("Subject"), "order": "name"},
            "stage": {"label": _("Stage"), "order": "stage_id, id desc"},
        }

    def _crm_ticket_filters(self):
        return {
            "all": {"label": _("All"), "domain": []},
            "open": {"label": _("Open"), "domain": [("is_closed", "=", False)]},
            "closed": {"label": _("Closed"), "domain": [("is_closed", "=", True)]},
        }

    @http.route(["/my/tickets", "/my/tickets/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_tickets(self, page=1, sortby=None, filterby=None, **kw):
        Ticket = request.env["crm.ticket"]
        sortings = self._crm_ticket_sortings()
        filters = self._crm_ticket_filters()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        domain = self._crm_ticket_domain() + filters[filterby]["domain"]
        count = Ticket.search_count(domain)
        pager = portal_pager(
            url="/my/tickets",
            url_args={"sortby": sortby, "filterby": filterby},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        tickets = Ticket.search(
            domain, order=sortings[sortby]["order"], limit=self._items_per_page, offset=pager["offset"]
        )
        request.session["my_crm_tickets_history"] = tickets.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "tickets": tickets,
                "page_name": "crm_ticket",
                "default_url": "/my/tickets",
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("crm_service.portal_my_tickets", values)

    @http.route("/my/tickets/<int:ticket_id>", type="http", auth="public", website=True)
    def portal_my_ticket(self, ticket_id, access_token=None, **kw):
        try:
            ticket_sudo = self._document_check_access("crm.ticket", ticket_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            ticket_sudo,
            access_token,
            {"ticket": ticket_sudo, "page_name": "crm_ticket"},
            "my_crm_tickets_history",
            False,
            **kw,
        )
        rating = ticket_sudo.rating_ids.filtered(lambda r: not r.consumed)[:1]
        values["rating_token"] = rating.access_token if ticket_sudo.is_closed and rating else False
        values["last_rating"] = ticket_sudo.rating_ids.filtered("consumed").sorted("write_date")[-1:]
        return request.render("crm_service.portal_my_ticket", values)

    @http.route("/my/tickets/new", type="http", auth="user", website=True, methods=["GET"])
    def portal_ticket_new(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "crm_ticket_new",
                "ticket_types": request.env["crm.ticket.type"].sudo().search([]),
                "error": kw.get("error"),
                "form": kw,
            }
        )
        return request.render("crm_service.portal_ticket_new", values)

    @http.route("/my/tickets/new", type="http", auth="user", website=True, methods=["POST"])
    def portal_ticket_create(self, **post):
        name = (post.get("name") or "").strip()
        description = (post.get("description") or "").strip()
        if not name or not description:
            return self.portal_ticket_new(error=_("Please give a subject and a description."), **post)
        partner = request.env.user.partner_id
        ticket_type = (
            request.env["crm.ticket.type"]
            .sudo()
            .browse(int(post["ticket_type_id"]) if (post.get("ticket_type_id") or "").isdigit() else 0)
            .exists()
        )
        files = request.httprequest.files.getlist("attachments")
        if any(f.content_length and f.content_length > MAX_ATTACHMENT_BYTES for f in files):
            return self.portal_ticket_new(error=_("Attachments are limited to 10 MB each."), **post)
        company = partner.company_id or request.env.company
        Ticket = request.env["crm.ticket"].sudo().with_company(company)
        ticket = Ticket.create(
            {
                "name": name[:200],
                "description": plaintext2html(description),
                "partner_id": partner.id,
                "channel": "web",
                "ticket_type_id": ticket_type.id,
                "company_id": company.id,
            }
        )
        attachments = request.env["ir.attachment"]
        for upload in files:
            data = upload.read()
            if not upload.filename or not data:
                continue
            if len(data) > MAX_ATTACHMENT_BYTES:
                continue
            attachments |= (
                request.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": upload.filename,
                        "datas": base64.b64encode(data),
                        "res_model": "crm.ticket",
                        "res_id": ticket.id,
                    }
                )
            )
        ticket.with_context(mail_create_nosubscribe=True).message_post(
            body=plaintext2html(description),
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=attachments.ids,
        )
        return request.redirect(f"/my/tickets/{ticket.id}?message=created")
