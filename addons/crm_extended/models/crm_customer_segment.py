import base64
import csv
import io

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .crm_access import check_crm_manager

# put in the context by _refresh_members only: JSON cannot carry it
_TRUSTED = object()


class CrmCustomerSegment(models.Model):
    _name = "crm.customer.segment"
    _description = "Customer Segment"
    _inherit = ["mail.thread"]
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    rule_domain = fields.Char(
        "Rule",
        required=True,
        default="[]",
        tracking=True,
        help="Which customers belong to the segment, as a domain on contacts.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "crm_customer_segment_partner_rel",
        "segment_id",
        "partner_id",
        string="Members",
        readonly=True,
        copy=False,
    )
    partner_count = fields.Integer("Member Count", compute="_compute_partner_count")
    last_refresh = fields.Datetime(readonly=True, copy=False)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)

    def _compute_partner_count(self):
        """Members the user may read (the stored membership may hold other companies' contacts)."""
        counts = dict(
            self.env["res.partner"]._read_group(
                [("segment_ids", "in", self.ids)], ["segment_ids"], ["__count"]
            )
            if self.ids
            else []
        )
        for segment in self:
            segment.partner_count = counts.get(segment, 0)

    def write(self, vals):
        # members and refresh date are the refresh's bookkeeping, not a caller's input
        if (
            {"partner_ids", "last_refresh"} & set(vals)
            and not self.env.su
            and self.env.context.get("crm_segment_refresh") is not _TRUSTED
        ):
            raise AccessError(_("Segment members are set by Refresh Members from the segment's rule."))
        return super().write(vals)

    def _get_domain(self):
        self.ensure_one()
        domain = safe_eval(self.rule_domain or "[]", {"context_today": fields.Date.context_today})
        if self.company_id:
            domain = expression.AND([domain, [("company_id", "in", (False, self.company_id.id))]])
        return domain

    @api.constrains("rule_domain")
    def _check_rule_domain(self):
        Partner = self.env["res.partner"]
        for segment in self:
            try:
                domain = segment._get_domain()
                Partner._search(domain)
            except Exception as exc:
                raise ValidationError(
                    _(
                        "The rule of segment “%(name)s” is not a valid domain on contacts: %(error)s",
                        name=segment.name,
                        error=exc,
                    )
                ) from exc

    def action_refresh(self):
        """Refresh the members now (Sales administrators only; the nightly cron does the same)."""
        check_crm_manager(self.env, _("Refresh Segment Members"))
        return self._refresh_members()

    def _refresh_members(self):
        """Store the current members of each segment with one SQL statement per segment."""
        Partner = self.env["res.partner"].with_context(active_test=True)
        Partner.flush_model()
        for segment in self:
            query = Partner._search(segment._get_domain())
            self.env.cr.execute(
                SQL("DELETE FROM crm_customer_segment_partner_rel WHERE segment_id = %s", segment.id)
            )
            self.env.cr.execute(
                SQL(
                    "INSERT INTO crm_customer_segment_partner_rel (segment_id, partner_id) SELECT %s, id FROM (%s) q",
                    segment.id,
                    query.select("res_partner.id"),
                )
            )
        self.with_context(crm_segment_refresh=_TRUSTED).write({"last_refresh": fields.Datetime.now()})
        self.invalidate_recordset(["partner_ids", "partner_count"])
        self.env["res.partner"].invalidate_model(["segment_ids"])
        self.env["crm.lead"]._sync_customer_segments()
        self.env["sale.order"]._sync_customer_segments()
        return True

    @api.model
    def _cron_refresh(self):
        self.env["ir.cron"]._crm_run_heavy(
            self, "_crm_refresh_all", "segments", chunks=("_crm_segment_ids", "_crm_refresh_chunk")
        )

    @api.model
    def _crm_refresh_all(self):
        return self.search([])._refresh_members()

    @api.model
    def _crm_segment_ids(self):
        return self.search([], order="id").ids

    def _crm_refresh_chunk(self):
        """A part of the nightly refresh (a job of crm_extended_queue_job): these segments, less
        those deleted since the job was queued, which would fail the whole part."""
        segments = self.exists()
        if segments:
            segments._refresh_members()

    def action_open_members(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Members of %s", self.name),
            "res_model": "res.partner",
            "view_mode": "list,kanban,form",
            "domain": [("segment_ids", "in", self.ids)],
            "context": {"default_segment_ids": False},
        }

    def action_send_email(self):
        self.ensure_one()
        # marketing consent and core's blacklist: res.partner._crm_marketing_domain
        members = self.partner_ids._crm_marketing_allowed("email")
        if not members:
            raise ValidationError(
                _("No member of segment “%s” has an email address that may receive marketing.", self.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Email segment %s", self.name),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": "res.partner",
                "default_res_ids": members.ids,
                "default_composition_mode": "mass_mail",
            },
        }

    def action_export(self):
        """Download the members as CSV (name, email, phone, city, country, RFM segment)."""
        self.ensure_one()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_("Name"), _("Email"), _("Phone"), _("City"), _("Country"), _("RFM Segment")])
        segment_labels = dict(self.env["res.partner"]._fields["rfm_segment"]._description_selection(self.env))
        for partner in self.partner_ids:
            writer.writerow(
                [
                    partner.name or "",
                    partner.email or "",
                    partner.phone or "",
                    partner.city or "",
                    partner.country_id.name or "",
                    segment_labels.get(partner.rfm_segment, ""),
                ]
            )
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name}.csv",
                "datas": base64.b64encode(buffer.getvalue().encode("utf-8-sig")),
                "mimetype": "text/csv",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
