import functools

from odoo import api, fields, models, tools
from odoo.osv import expression
from odoo.tools import SQL

# Rows of other addons are declared here, so that uninstalling one never has to rewrite rows of
# this SQL view: "ticket" (crm_service), "mailing" (a mailing received, crm_extended_mass_mailing),
# "survey" (a survey answered, crm_service_survey).
TIMELINE_KINDS = [
    ("interaction", "Interaction"),
    ("ticket", "Ticket"),
    ("order", "Sales order"),
    ("message", "Message"),
    ("mailing", "Mailing"),
    ("survey", "Survey answer"),
]
# messages that are a contact with the customer: mails, notes and comments, SMS (the "sms"
# type exists once Odoo's sms app is installed; before, no message has it)
TIMELINE_MESSAGE_TYPES = ("email", "comment", "sms")


class CrmPartnerTimeline(models.Model):
    """Everything that happened with a customer, in date order: logged interactions, sales
    orders and the messages on the customer, his leads and orders; addons add their documents
    (crm_service: tickets and their messages) through _timeline_row_queries and
    _timeline_message_sources.
    A SQL view (UNION ALL), so filtering on one customer reads the indexes of each source.

    Rows copy text of their source (subject, first characters of a message), so a row is
    readable only when its source record is: on top of the view's own rules, every search and
    read is restricted to the sources the user may read, with the sources' own access rights
    and record rules (see _source_access_domain)."""

    _name = "crm.partner.timeline"
    _description = "Customer Timeline"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "name"

    date = fields.Datetime(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    kind = fields.Selection(TIMELINE_KINDS, readonly=True)
    name = fields.Char(readonly=True)
    channel = fields.Char(readonly=True)
    user_id = fields.Many2one("res.users", readonly=True)
    res_model = fields.Char(readonly=True)
    res_id = fields.Many2oneReference(model_field="res_model", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    @api.model
    def _timeline_message_sources(self):
        """Documents whose messages are rows: [(id offset, model, join, customer column,
        company column)].  An addon that brings a document adds it (crm_service: tickets,
        offset 5).

        Offsets are the row ids' last digit and must stay unique: 1 interactions, 2 tickets,
        3 orders, 4 customer messages, 5 ticket messages, 6 lead messages, 7 order messages,
        8 mailings received (crm_extended_mass_mailing), 9 survey answers (crm_service_survey),
        0 free."""
        return [
            (
                4,
                "res.partner",
                "JOIN res_partner src ON src.id = m.res_id",
                "src.commercial_partner_id",
                "NULL::int",
            ),
            (
                6,
                "crm.lead",
                "JOIN crm_lead src ON src.id = m.res_id JOIN res_partner lp ON lp.id = src.partner_id",
                "lp.commercial_partner_id",
                "src.company_id",
            ),
            (
                7,
                "sale.order",
                "JOIN sale_order src ON src.id = m.res_id",
                "src.crm_commercial_partner_id",
                "src.company_id",
            ),
        ]

    @api.model
    def _timeline_row_queries(self):
        """SELECTs of the rows other than messages, each giving (id, date, partner_id, kind,
        name, channel, user_id, res_model, res_id, company_id).  An addon adds its own
        documents here (crm_service: tickets, id offset 2)."""
        return [
            SQL(
                """
                SELECT i.id * 10 + 1 AS id, i.date, i.commercial_partner_id AS partner_id,
                       'interaction'::varchar AS kind, i.name, i.channel::varchar AS channel,
                       i.user_id, 'crm.interaction'::varchar AS res_model, i.id AS res_id,
                       i.company_id
                  FROM crm_interaction i
                """
            ),
            SQL(
                """
                SELECT so.id * 10 + 3, so.date_order, so.crm_commercial_partner_id, 'order',
                       so.name, NULL, so.user_id, 'sale.order', so.id, so.company_id
                  FROM sale_order so
                 WHERE so.crm_commercial_partner_id IS NOT NULL AND so.state != 'cancel'
                """
            ),
        ]

    @api.model
    def _timeline_source_models(self):
        """Every model a row can come from (res_model of the rows)."""
        return ["crm.interaction", "sale.order"] + [src[1] for src in self._timeline_message_sources()]

    @api.model
    def _source_access_domain(self):
        """Domain on the view: rows whose source the current user may read.

        A source model the user has no access right on contributes no row; one with record
        rules contributes the rows whose res_id is in the user's own search of that model
        (a sub-select built by the source's _search, so its rules and the allowed companies
        apply exactly as when the user opens the source)."""
        parts = []
        for model_name in dict.fromkeys(self._timeline_source_models()):
            if model_name not in self.env:
                continue
            Source = self.env[model_name].with_context(active_test=False)
            if not Source.has_access("read"):
                continue
            if self.env["ir.rule"]._compute_domain(model_name, "read"):
                parts.append([("res_model", "=", model_name), ("res_id", "in", Source._search([]))])
            else:
                parts.append([("res_model", "=", model_name)])
        return expression.OR(parts) if parts else expression.FALSE_DOMAIN

    @api.model
    def _apply_ir_rules(self, query, mode="read"):
        res = super()._apply_ir_rules(query, mode)
        if not self.env.su:
            expression.expression(self._source_access_domain(), self.sudo(), self._table, query)
        return res

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if result or self.env.su or not any(self._ids):
            return result
        allowed = self.browse(tuple(self.with_context(active_test=False)._search([("id", "in", self.ids)])))
        forbidden = self - allowed
        if forbidden:
            return forbidden, functools.partial(self.env["ir.rule"]._make_access_error, operation, forbidden)
        return None

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # the joins and columns are constants of this class; the model name and the
        # id offset are bound as parameters
        messages = SQL(" UNION ALL ").join(
            SQL(
                """
                SELECT m.id * 10 + %(offset)s, m.date, %(partner)s, 'message',
                       coalesce(nullif(left(regexp_replace(coalesce(m.body, ''), '<[^>]*>', '', 'g'), 120), ''),
                                m.subject),
                       m.message_type, NULL::int, m.model, m.res_id, %(company)s
                  FROM mail_message m %(join)s
                 WHERE m.model = %(model)s AND m.message_type IN %(types)s
                   AND %(partner)s IS NOT NULL
                """,
                offset=offset,
                partner=SQL(partner),
                company=SQL(company),
                join=SQL(join),
                model=model,
                types=TIMELINE_MESSAGE_TYPES,
            )
            for offset, model, join, partner, company in self._timeline_message_sources()
        )
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(view)s AS (%(rows)s UNION ALL %(messages)s)
                """,
                view=SQL.identifier(self._table),
                rows=SQL(" UNION ALL ").join(self._timeline_row_queries()),
                messages=messages,
            )
        )

    def action_open_source(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
