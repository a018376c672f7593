from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .crm_privacy import anonymize_past_retention

INTERACTION_CHANNELS = [
    ("call", "Call"),
    ("meeting", "Meeting"),
    ("email", "Email"),
    ("chat", "Chat"),
    ("visit", "Visit"),
    ("social", "Social message"),
]
OUTCOMES = [
    ("positive", "Positive"),
    ("neutral", "Neutral"),
    ("negative", "Negative"),
    ("no_answer", "No answer"),
    ("follow_up", "Follow-up needed"),
]
# a call, meeting or visit logged as one interaction; longer is a typing error (and huge
# values break the sums of the analysis views)
MAX_DURATION_HOURS = 24 * 7
# the documents an interaction can be logged on; its company is theirs (see _source_fields)
SOURCE_FIELDS = ("lead_id", "sale_order_id")


class CrmInteraction(models.Model):
    _name = "crm.interaction"
    _description = "Customer Interaction"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Summary", required=True, default=lambda self: _("Interaction"))
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, check_company=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True, string="Customer Company"
    )
    lead_id = fields.Many2one("crm.lead", index="btree_not_null", check_company=True)
    sale_order_id = fields.Many2one("sale.order", index="btree_not_null", check_company=True)
    channel = fields.Selection(INTERACTION_CHANNELS, required=True, default="call", index=True)
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound")], required=True, default="outbound"
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    duration = fields.Float(help="Duration in hours.", aggregator="sum")
    outcome = fields.Selection(OUTCOMES, index=True)
    user_id = fields.Many2one("res.users", string="Logged by", default=lambda self: self.env.user, index=True)
    note = fields.Html()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    # set by _crm_anonymize only (the customer's anonymization, the retention cron)
    is_anonymized = fields.Boolean("Anonymized", readonly=True, copy=False)

    @api.constrains("duration")
    def _check_duration(self):
        if any(rec.duration < 0 for rec in self):
            raise ValidationError(_("The duration of an interaction cannot be negative."))
        if any(rec.duration > MAX_DURATION_HOURS for rec in self):
            raise ValidationError(
                _("An interaction lasts at most %(hours)s hours.", hours=MAX_DURATION_HOURS)
            )

    @api.model
    def _source_fields(self):
        """Fields of the documents an interaction is logged on, first one wins for the company
        (crm_service puts the ticket first)."""
        return SOURCE_FIELDS

    @api.model_create_multi
    def create(self, vals_list):
        """An interaction logged on a ticket, lead or order belongs to that document's company
        (the record rules and the company check then follow the document)."""
        for vals in vals_list:
            vals.pop("is_anonymized", None)  # bookkeeping, never from a caller
            if vals.get("company_id"):
                continue
            for fname in self._source_fields():
                source = self.env[self._fields[fname].comodel_name].browse(vals.get(fname))
                if source.company_id:
                    vals["company_id"] = source.company_id.id
                    break
        return super().create(vals_list)

    def write(self, vals):
        vals = {k: v for k, v in vals.items() if k != "is_anonymized"}
        return super().write(vals)

    def _crm_anonymize(self):
        """Remove what an interaction says about the customer (summary and notes), keep its
        date, channel, outcome and duration for the figures: one statement. Used by the
        customer's anonymization and by the retention cron."""
        if not self:
            return
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE crm_interaction SET name = %s, note = NULL, is_anonymized = TRUE WHERE id = ANY(%s)",
                self.env._("Anonymized interaction"),
                self.ids,
            )
        )
        self.invalidate_recordset(["name", "note", "is_anonymized"])

    @api.model
    def _crm_retention_anonymize(self, years, limit):
        """Anonymize up to ``limit`` interactions older than ``years`` years (0: keep them);
        returns (done, remaining)."""
        return anonymize_past_retention(self, "date", years, limit)

    @api.onchange("lead_id")
    def _onchange_lead_id(self):
        if self.lead_id and not self.partner_id:
            self.partner_id = self.lead_id.partner_id

    @api.model
    def _action_log(self, partner=None, extra=None):
        """Quick 'log interaction' dialog prefilled from the calling record."""
        context = {"default_partner_id": partner.id if partner else False}
        context.update(extra or {})
        return {
            "type": "ir.actions.act_window",
            "name": _("Log an Interaction"),
            "res_model": "crm.interaction",
            "view_mode": "form",
            "views": [(self.env.ref("crm_extended.crm_interaction_view_form_quick").id, "form")],
            "target": "new",
            "context": context,
        }
