import json
import logging
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, html2plaintext, split_every
from odoo.tools.sql import column_exists, create_column, table_exists

from .crm_access import check_crm_manager, check_privacy_manager
from .crm_name_normalize import normalize_name, normalize_phone, normalize_vat
from .crm_privacy import anonymize_messages, forget_author_emails

_logger = logging.getLogger(__name__)

RFM_SEGMENTS = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential_loyalist", "Potential Loyalist"),
    ("new_customer", "New Customer"),
    ("promising", "Promising"),
    ("need_attention", "Need Attention"),
    ("about_to_sleep", "About to Sleep"),
    ("at_risk", "At Risk"),
    ("cannot_lose", "Cannot Lose Them"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
]

# The usual R x FM grid (FM = rounded mean of F and M), read as "R score, FM score": see readme.
RFM_SEGMENT_CASE = SQL(
    """CASE
        WHEN r <= 2 AND fm = 5 THEN 'cannot_lose'
        WHEN r <= 2 AND fm >= 3 THEN 'at_risk'
        WHEN r = 1 AND fm = 1 THEN 'lost'
        WHEN r <= 2 THEN 'hibernating'
        WHEN r = 3 AND fm <= 2 THEN 'about_to_sleep'
        WHEN r = 3 AND fm = 3 THEN 'need_attention'
        WHEN r <= 4 AND fm >= 4 THEN 'loyal'
        WHEN r = 4 AND fm = 1 THEN 'promising'
        WHEN r = 5 AND fm = 1 THEN 'new_customer'
        WHEN fm <= 3 THEN 'potential_loyalist'
        ELSE 'champions'
    END"""
)

COMPLETENESS_FIELDS = [
    ("email", "Email"),
    ("phone", "Phone"),
    ("mobile", "Mobile"),
    ("street", "Street"),
    ("city", "City"),
    ("zip", "ZIP"),
    ("country_id", "Country"),
    ("vat", "Tax ID"),
    ("user_id", "Salesperson"),
    ("website", "Website"),
    ("industry_id", "Industry"),
]
# Bounds of the numeric settings (ir.config_parameter), shared by the settings screen's checks
# and by the readers, which clamp a value set directly in the parameters.
# who reads interactions and their counts (the service users and salespeople)
INTERACTION_READERS = "crm_extended.group_crm_service_user,sales_team.group_sale_salesman"
RFM_WINDOW_DAYS_BOUNDS = (1, 3650)
# retention of personal data (0 = keep), in years, and the records anonymized per cron batch
RETENTION_YEARS_BOUNDS = (0, 100)
RETENTION_INTERACTION_PARAM = "crm_extended.retention_interaction_years"
RETENTION_BATCH = 5000
# what a lead says about the person behind it (core's fields), cleared when he is anonymized
LEAD_PERSONAL_FIELDS = (
    "contact_name",
    "partner_name",
    "function",
    "title",
    "email_from",
    "email_cc",
    "phone",
    "mobile",
    "website",
    "street",
    "street2",
    "zip",
    "city",
    "description",
)
CHURN_INTERVAL_DAYS_BOUNDS = (1, 3650)


def bounded_int_param(env, key, default, bounds):
    """An integer system parameter, clamped to ``bounds``; the default when it is not a number."""
    value = env["ir.config_parameter"].sudo().get_param(key, str(default))
    try:
        return min(bounds[1], max(bounds[0], int(value)))
    except (TypeError, ValueError):
        return default


DEFAULT_COMPLETENESS_WEIGHTS = {
    "email": 20,
    "phone": 15,
    "street": 10,
    "city": 10,
    "country_id": 10,
    "vat": 15,
    "user_id": 20,
}


CUSTOMER_360_QUEUE = "crm_extended.customer_360"
COMPLETENESS_QUEUE = "crm_extended.data_completeness"
# the weights the stored completeness of every contact was computed with
APPLIED_WEIGHTS_PARAM = "crm_extended.completeness_weights_applied"
# stored computes of this addon on res_partner, filled in batches on install (see _auto_init)
QUALITY_FIELDS = ("data_completeness", "name_normalized", "vat_normalized", "phone_e164")


def completeness_score(values, weights):
    """0-100: the weighted share of the fields that are set (values: field name -> value)."""
    total = sum(weights.values())
    if not total:
        return 100
    return round(100 * sum(w for fname, w in weights.items() if values.get(fname)) / total)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Internal figures: every field added here is for employees only (groups="base.group_user"),
    # a portal user reading his own contact over RPC does not get scores, segments or amounts.
    # Customer 360, kept on the commercial partner in the company currency by
    # _refresh_customer_360(), which runs set-based once per transaction for the customers whose
    # orders or invoices changed (_crm_queue_customer_360) and nightly for everyone.
    customer_since = fields.Date(
        readonly=True,
        copy=False,
        help="Date of the first confirmed order.",
        groups="base.group_user",
    )
    last_order_date = fields.Date(
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_user",
    )
    order_count = fields.Integer(
        "Confirmed Orders",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    lifetime_value = fields.Monetary(
        readonly=True,
        copy=False,
        currency_field="crm_currency_id",
        help="Posted customer invoices minus posted credit notes, untaxed, in the company currency.",
        groups="base.group_user",
    )
    average_order_value = fields.Monetary(
        readonly=True,
        copy=False,
        currency_field="crm_currency_id",
        help="Untaxed amount of the confirmed orders divided by their number, in the company currency.",
        groups="base.group_user",
    )
    open_quotation_count = fields.Integer(
        "Open Quotations",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    amount_due = fields.Monetary(
        compute="_compute_amount_due",
        currency_field="crm_currency_id",
        help="Open receivable, all invoices.",
        groups="base.group_user",
    )
    amount_overdue = fields.Monetary(
        compute="_compute_amount_due",
        currency_field="crm_currency_id",
        help="Open receivable past its due date.",
        groups="base.group_user",
    )
    crm_currency_id = fields.Many2one(
        "res.currency", compute="_compute_crm_currency_id", string="360 Currency", compute_sudo=True
    )

    # RFM and churn, written by action_recompute_rfm() for every customer at once.
    rfm_recency = fields.Integer(
        "Recency",
        readonly=True,
        copy=False,
        aggregator="avg",
        groups="base.group_user",
    )
    rfm_frequency = fields.Integer(
        "Frequency",
        readonly=True,
        copy=False,
        aggregator="avg",
        groups="base.group_user",
    )
    rfm_monetary = fields.Integer(
        "Monetary",
        readonly=True,
        copy=False,
        aggregator="avg",
        groups="base.group_user",
    )
    rfm_score = fields.Char(
        "RFM Score",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    rfm_segment = fields.Selection(
        RFM_SEGMENTS,
        "RFM Segment",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    rfm_segment_date = fields.Date(
        "RFM Segment Since",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    rfm_history_ids = fields.One2many(
        "crm.rfm.history",
        "partner_id",
        "RFM History",
        readonly=True,
        groups="base.group_user",
    )
    churn_risk = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        readonly=True,
        copy=False,
        help="Days since the last order compared with the customer's own usual interval between orders.",
        groups="base.group_user",
    )

    # Rule-based segments (membership stored by crm.customer.segment.action_refresh).
    segment_ids = fields.Many2many(
        "crm.customer.segment",
        "crm_customer_segment_partner_rel",
        "partner_id",
        "segment_id",
        string="Segments",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )

    # Data quality and duplicate detection.
    data_completeness = fields.Integer(
        compute="_compute_data_completeness",
        store=True,
        aggregator="avg",
        help="0-100, weighted.",
        groups="base.group_user",
    )
    name_normalized = fields.Char(
        compute="_compute_normalized",
        store=True,
        groups="base.group_user",
    )
    vat_normalized = fields.Char(
        compute="_compute_normalized",
        store=True,
        index="btree_not_null",
        groups="base.group_user",
    )
    phone_e164 = fields.Char(
        "Phone (E.164)",
        compute="_compute_normalized",
        store=True,
        index="btree_not_null",
        groups="base.group_user",
    )
    # the users who may read interactions (a plain employee reads contacts only)
    crm_interaction_count = fields.Integer(
        string="Interactions", compute="_compute_crm_interaction_count", groups=INTERACTION_READERS
    )
    crm_timeline_ids = fields.One2many(
        "crm.partner.timeline", "partner_id", string="Timeline", groups="base.group_user"
    )
    # Privacy: consent and anonymization (see _crm_marketing_domain, action_anonymize_customer)
    crm_marketing_opt_out = fields.Boolean(
        "Withdrew Marketing Consent",
        copy=False,
        tracking=True,
        groups="base.group_user",
        help="No marketing email or SMS reaches this contact, nor the contacts of this company.",
    )
    crm_marketing_opt_out_date = fields.Date(
        "Consent Withdrawn On", readonly=True, copy=False, groups="base.group_user"
    )
    crm_anonymized_date = fields.Datetime(
        "Anonymized On",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Set when the customer's personal data was removed on request.",
    )

    def init(self):
        res = super().init()
        # Fuzzy name matching for the duplicate scan: pg_trgm is a trusted extension (PG >= 13),
        # so the database owner may create it; without it the scan falls back to exact names.
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001
            _logger.warning("Could not create the pg_trgm extension: fuzzy duplicate detection is off.")
        return res

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    def _compute_crm_currency_id(self):
        for partner in self:
            partner.crm_currency_id = (partner.company_id or self.env.company).currency_id

    def _compute_amount_due(self):
        commercial = self.commercial_partner_id
        groups = self.env["account.move.line"]._read_group(
            [
                ("partner_id", "child_of", commercial.ids),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("company_id", "in", self.env.companies.ids),
            ],
            ["partner_id", "date_maturity:day"],
            ["amount_residual:sum"],
        )
        today = fields.Date.context_today(self)
        due, overdue = defaultdict(float), defaultdict(float)
        for partner, maturity, residual in groups:
            key = partner.commercial_partner_id.id
            due[key] += residual
            if maturity and maturity < today:
                overdue[key] += residual
        for partner in self:
            key = partner.commercial_partner_id.id
            partner.amount_due = due[key]
            partner.amount_overdue = overdue[key]

    @api.depends(*[f for f, _label in COMPLETENESS_FIELDS])
    def _compute_data_completeness(self):
        weights = self.env["crm.completeness.weight"].sudo()._get_weights()
        for partner in self:
            partner.data_completeness = completeness_score({f: partner[f] for f in weights}, weights)

    @api.depends("name", "vat", "phone", "mobile", "country_id")
    def _compute_normalized(self):
        for partner in self:
            partner.name_normalized, partner.vat_normalized, partner.phone_e164 = (
                partner._crm_normalized_values(
                    partner.name, partner.vat, partner.phone, partner.mobile, partner.country_id
                )
            )

    @api.model
    def _crm_normalized_values(self, name, vat, phone, mobile, country):
        """The duplicate scan's keys of one contact: normalized name, VAT and E.164 phone."""
        number = phone or mobile
        country = country or self.env.company.country_id
        formatted = number and self.browse()._phone_format(number=number, country=country)
        if formatted == number or (number and not formatted and number.lstrip().startswith("+")):
            # phone_validation returns the number untouched without `phonenumbers`
            formatted = normalize_phone(number, country.phone_code)
        return normalize_name(name) or False, normalize_vat(vat), formatted or False

    def _auto_init(self):
        # Installing on a database with many contacts: the data-quality columns are created
        # here and filled in batches with the computes' own rules (_crm_fill_quality), instead
        # of an ORM recompute over every contact.
        cr = self.env.cr
        new = [fname for fname in QUALITY_FIELDS if not column_exists(cr, "res_partner", fname)]
        for fname in new:
            create_column(cr, "res_partner", fname, self._fields[fname].column_type[1])
        res = super()._auto_init()
        if new:
            self._crm_fill_quality(new)
        return res

    @api.model
    def _crm_fill_quality(self, fnames, batch_size=20000):
        """Recompute stored data-quality fields of every contact, in batches read and written
        with SQL (one UPDATE per batch, changed rows only), with the same rules as the computes.
        Used on install and when the completeness weights change."""
        cr = self.env.cr
        weights = DEFAULT_COMPLETENESS_WEIGHTS
        if "data_completeness" in fnames and table_exists(cr, "crm_completeness_weight"):
            weights = self.env["crm.completeness.weight"].sudo()._get_weights()
        if "data_completeness" in fnames:
            self.env["ir.config_parameter"].sudo().set_param(
                APPLIED_WEIGHTS_PARAM, json.dumps(weights, sort_keys=True)
            )
        read = {f for f, _label in COMPLETENESS_FIELDS} | {"name", "vat", "phone", "mobile", "country_id"}
        read = sorted(f for f in read if column_exists(cr, "res_partner", f))
        countries = {c.id: c for c in self.env["res.country"].search([])}
        self.flush_model([*read, *fnames])
        cr.execute("SELECT id FROM res_partner ORDER BY id")
        ids = [r[0] for r in cr.fetchall()]
        for batch in split_every(batch_size, ids):
            cr.execute(
                SQL(
                    "SELECT id, %s, %s FROM res_partner WHERE id = ANY(%s)",
                    SQL(", ").join(SQL.identifier(f) for f in read),
                    SQL(", ").join(SQL.identifier(f) for f in fnames),
                    list(batch),
                )
            )
            rows = []
            for row in cr.fetchall():
                values = dict(zip(read, row[1 : len(read) + 1], strict=True))
                old = row[len(read) + 1 :]
                new = {}
                if "data_completeness" in fnames:
                    new["data_completeness"] = completeness_score(values, weights)
                if {"name_normalized", "vat_normalized", "phone_e164"} & set(fnames):
                    keys = self._crm_normalized_values(
                        values["name"],
                        values["vat"],
                        values["phone"],
                        values["mobile"],
                        countries.get(values["country_id"], self.env["res.country"]),
                    )
                    new.update(zip(("name_normalized", "vat_normalized", "phone_e164"), keys, strict=True))
                new = [None if new[f] is False else new[f] for f in fnames]
                if tuple(new) != tuple(old):
                    rows.append((row[0], *new))
            if rows:
                columns = list(zip(*rows, strict=True))
                types = ["int4"] + [self._fields[f].column_type[1] for f in fnames]
                cr.execute(
                    SQL(
                        "UPDATE res_partner p SET %s FROM (SELECT * FROM unnest(%s) AS t(id, %s)) v"
                        " WHERE p.id = v.id",
                        SQL(", ").join(
                            SQL("%s = v.%s", SQL.identifier(f), SQL.identifier(f)) for f in fnames
                        ),
                        SQL(", ").join(
                            SQL("%s::%s[]", list(col), SQL(t)) for col, t in zip(columns, types, strict=True)
                        ),
                        SQL(", ").join(SQL.identifier(f) for f in fnames),
                    )
                )
        self.invalidate_model(list(fnames))

    @api.model
    def _crm_queue_data_completeness(self):
        """Recompute every contact's completeness once, when the transaction commits: the
        weights change one record at a time (seven on install), the figures once."""
        precommit = self.env.cr.precommit
        if not precommit.data.get(COMPLETENESS_QUEUE):
            precommit.data[COMPLETENESS_QUEUE] = True
            partners = self.env["res.partner"].sudo()

            @precommit.add
            def refresh_data_completeness():
                precommit.data.pop(COMPLETENESS_QUEUE, None)
                # the weights the contacts were last scored with: installing writes the
                # default weights as records, which changes nothing to score again
                weights = self.env["crm.completeness.weight"].sudo()._get_weights()
                if weights != partners._crm_applied_completeness_weights():
                    partners._crm_fill_quality(["data_completeness"])

    @api.model
    def _crm_applied_completeness_weights(self):
        """The weights every contact's completeness was last computed with (by _crm_fill_quality)."""
        applied = self.env["ir.config_parameter"].sudo().get_param(APPLIED_WEIGHTS_PARAM)
        try:
            return json.loads(applied) if applied else None
        except ValueError:
            return None

    # ------------------------------------------------------------------
    # Customer 360
    # ------------------------------------------------------------------

    @api.model
    def _crm_own_company_sql(self, customer, document_company):
        """SQL condition: the document counts for the customer's figures.

        A customer of one company counts only that company's documents; a shared customer (no
        company) counts the documents of every company, converted to one currency."""
        return SQL(
            "NOT EXISTS (SELECT 1 FROM res_partner own WHERE own.id = %s"
            " AND own.company_id IS NOT NULL AND own.company_id <> %s)",
            customer,
            document_company,
        )

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._crm_privacy_vals(vals) for vals in vals_list])

    def write(self, vals):
        vals = self._crm_privacy_vals(vals)
        # a contact's orders and invoices count for his company: moving him moves them
        moved = bool({"parent_id", "is_company"} & set(vals))
        before = self.commercial_partner_id.ids if moved else []
        res = super().write(vals)
        if moved:
            self._crm_queue_customer_360(before + self.commercial_partner_id.ids)
        return res

    @api.model
    def _refresh_customer_360(self, partner_ids=None, order_ids=(), move_ids=()):
        """Recompute the stored 360 figures of the given commercial partners and of the
        customers of the given orders and customer invoices (everyone's when nothing is given).

        A few statements whatever the number of customers: who they are (primary-key look-ups),
        their orders' and invoices' figures (amounts in each document's company currency; a
        foreign one is converted to the partner's company currency in Python), one UPDATE.
        """
        self.env["sale.order"].flush_model()
        self.env["account.move"].flush_model()
        self.flush_model(["commercial_partner_id", "company_id"])
        if partner_ids is None and not order_ids and not move_ids:
            ids = None
            where = SQL("TRUE")
        else:
            # the customers first (primary-key look-ups), so that their figures are read
            # through the customers' indexes
            self.env.cr.execute(
                SQL(
                    """
                    SELECT unnest(%s::int[])
                     UNION
                    SELECT crm_commercial_partner_id FROM sale_order WHERE id = ANY(%s)
                     UNION
                    SELECT commercial_partner_id FROM account_move
                     WHERE id = ANY(%s) AND move_type IN ('out_invoice', 'out_refund')
                    """,
                    list(partner_ids or ()),
                    list(order_ids),
                    list(move_ids),
                )
            )
            ids = [pid for (pid,) in self.env.cr.fetchall() if pid]
            if not ids:
                return
            where = SQL("p.commercial_partner_id = ANY(%s)", ids)
        # Two plain aggregates: one statement joining both plans ten times slower than they run.
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id,
                       MIN(so.date_order) FILTER (WHERE so.state = 'sale'),
                       MAX(so.date_order) FILTER (WHERE so.state = 'sale'),
                       COUNT(so.id) FILTER (WHERE so.state = 'sale'),
                       COUNT(so.id) FILTER (WHERE so.state IN ('draft', 'sent')),
                       SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1))
                           FILTER (WHERE so.state = 'sale')
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE %s AND %s
              GROUP BY p.commercial_partner_id
                """,
                where,
                self._crm_own_company_sql(SQL("p.commercial_partner_id"), SQL("so.company_id")),
            )
        )
        orders = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id, c.currency_id, COALESCE(SUM(m.amount_untaxed_signed), 0)
                  FROM account_move m
                  JOIN res_partner p ON p.id = m.partner_id
                  JOIN res_company c ON c.id = m.company_id
                 WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund') AND %s AND %s
              GROUP BY p.commercial_partner_id, c.currency_id
                """,
                where,
                self._crm_own_company_sql(SQL("p.commercial_partner_id"), SQL("m.company_id")),
            )
        )
        invoiced = defaultdict(list)
        for pid, currency_id, amount in self.env.cr.fetchall():
            invoiced[pid].append((currency_id, amount))
        if ids is None:
            self.env.cr.execute("SELECT id FROM res_partner WHERE order_count > 0 OR lifetime_value <> 0")
            ids = set(orders) | set(invoiced) | {r[0] for r in self.env.cr.fetchall()}
        partners = self.browse(ids).with_context(active_test=False)
        if partner_ids:  # a customer queued by his own deletion
            partners = partners.exists()
        if not partners:
            return
        partners.fetch(["company_id"])
        today = fields.Date.context_today(self)
        currencies = {}
        rows = []
        for partner in partners:
            company = partner.company_id or self.env.company
            first, last, count, quotes, ordered = orders.get(partner.id, (None, None, 0, 0, 0.0))
            ltv = 0.0
            for currency_id, amount in invoiced.get(partner.id, ()):
                if currency_id == company.currency_id.id:
                    ltv += amount
                else:
                    currency = currencies.setdefault(
                        currency_id, self.env["res.currency"].browse(currency_id)
                    )
                    ltv += currency._convert(amount, company.currency_id, company, today)
            rows.append(
                (
                    partner.id,
                    first and first.date(),
                    last and last.date(),
                    count,
                    quotes,
                    ltv,
                    float(ordered or 0.0) / count if count else 0.0,
                )
            )
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET customer_since = v.since, last_order_date = v.last, order_count = v.cnt,
                       open_quotation_count = v.quotes, lifetime_value = v.ltv, average_order_value = v.aov
                  FROM (SELECT * FROM unnest(%s::int[], %s::date[], %s::date[], %s::int[], %s::int[],
                                             %s::numeric[], %s::numeric[])
                          AS t(id, since, last, cnt, quotes, ltv, aov)) v
                 WHERE p.id = v.id
                """,
                *[list(col) for col in zip(*rows, strict=True)],
            )
        )
        self.invalidate_model(
            [
                "customer_since",
                "last_order_date",
                "order_count",
                "open_quotation_count",
                "lifetime_value",
                "average_order_value",
            ]
        )

    @api.model
    def _crm_queue_customer_360(self, partner_ids=(), order_ids=(), move_ids=()):
        """Refresh the 360 figures of these commercial partners, and of the customers of these
        orders and customer invoices, once, when the transaction commits (a precommit hook):
        never in the middle of a user's action, where flushing every pending order and invoice
        would run ahead of core's own flow. Orders and invoices are read at commit time, so
        whatever wrote them last (a user, a compute, core's SQL) decides whose figures move."""
        if not (partner_ids or order_ids or move_ids):
            return
        precommit = self.env.cr.precommit
        queue = precommit.data.get(CUSTOMER_360_QUEUE)
        if queue is None:
            queue = precommit.data[CUSTOMER_360_QUEUE] = {"partners": set(), "orders": set(), "moves": set()}
            partners = self.env["res.partner"].sudo().with_context(active_test=False)
            precommit.add(partners._crm_run_customer_360_queue)
        queue["partners"].update(partner_ids)
        queue["orders"].update(order_ids)
        queue["moves"].update(move_ids)

    def _crm_run_customer_360_queue(self):
        """The precommit hook: refresh the customers queued in this transaction."""
        # what is still pending is written first (it may queue more), then the queue is read
        self.env["sale.order"].flush_model()
        self.env["account.move"].flush_model()
        self.flush_model(["commercial_partner_id", "company_id"])
        queue = self.env.cr.precommit.data.pop(CUSTOMER_360_QUEUE, None)
        if queue:
            self._refresh_customer_360(queue["partners"] - {None}, queue["orders"], queue["moves"])

    @api.model
    def _cron_refresh_customer_360(self):
        self.env["ir.cron"]._crm_run_heavy(
            self, "_refresh_customer_360", "customer360", chunks=("_crm_360_ids", "_crm_360_refresh_chunk")
        )

    @api.model
    def _crm_360_ids(self):
        """The customers the full refresh covers: those with orders or customer invoices
        counting for them, and those whose figures are not zero (whose documents are gone)."""
        self.env["sale.order"].flush_model()
        self.env["account.move"].flush_model()
        self.flush_model(["commercial_partner_id", "company_id", "order_count", "lifetime_value"])
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                 WHERE %s
                 UNION
                SELECT p.commercial_partner_id FROM account_move m JOIN res_partner p ON p.id = m.partner_id
                 WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund') AND %s
                 UNION
                SELECT id FROM res_partner WHERE order_count > 0 OR lifetime_value <> 0
                 ORDER BY 1
                """,
                self._crm_own_company_sql(SQL("p.commercial_partner_id"), SQL("so.company_id")),
                self._crm_own_company_sql(SQL("p.commercial_partner_id"), SQL("m.company_id")),
            )
        )
        return [pid for (pid,) in self.env.cr.fetchall() if pid]

    def _crm_360_refresh_chunk(self):
        """A part of the full refresh: these customers' figures (a job of crm_extended_queue_job)."""
        if self.ids:
            self._refresh_customer_360(self.ids)

    # ------------------------------------------------------------------
    # RFM and churn
    # ------------------------------------------------------------------

    @api.model
    def _rfm_window_days(self):
        return bounded_int_param(self.env, "crm_extended.rfm_window_days", 365, RFM_WINDOW_DAYS_BOUNDS)

    @api.model
    def action_recompute_rfm(self):
        """Score every customer now (Sales administrators only; the nightly cron does the same)."""
        check_crm_manager(self.env, _("Recompute RFM"))
        return self._recompute_rfm()

    @api.model
    def _recompute_rfm(self):
        """Score every customer: quintiles among those with a confirmed order in the window.

        Scores come from cume_dist() so equal values always get equal scores; customers with
        confirmed orders only before the window are 'lost'. Segment changes go to the history.
        """
        self.env["sale.order"].flush_model()
        self.flush_model()
        window = self._rfm_window_days()
        now = fields.Datetime.now()
        today = fields.Date.context_today(self)
        cr = self.env.cr
        # Sorting and hashing 200k customers stays in memory instead of spilling to disk.
        cr.execute("SET LOCAL work_mem = '128MB'")
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE crm_rfm_new ON COMMIT DROP AS
                WITH stats AS (
                    SELECT crm_commercial_partner_id AS pid,
                           MAX(date_order) AS last_date,
                           MIN(date_order) AS first_date,
                           COUNT(*)::int AS n_all,
                           (COUNT(*) FILTER (WHERE date_order >= %(start)s))::int AS freq,
                           SUM(amount_untaxed::float8 / COALESCE(NULLIF(currency_rate, 0), 1)::float8)
                               FILTER (WHERE date_order >= %(start)s) AS monetary
                      FROM sale_order so
                     WHERE state = 'sale' AND crm_commercial_partner_id IS NOT NULL
                       AND %(own_company)s
                  GROUP BY crm_commercial_partner_id
                ), scored AS (
                    SELECT pid, last_date, first_date, n_all,
                           CEIL(5 * CUME_DIST() OVER (ORDER BY last_date))::int AS r,
                           CEIL(5 * CUME_DIST() OVER (ORDER BY freq))::int AS f,
                           CEIL(5 * CUME_DIST() OVER (ORDER BY monetary))::int AS m
                      FROM stats WHERE freq > 0
                ), segmented AS (
                    SELECT *, %(case)s AS segment
                      FROM (SELECT *, ROUND((f + m) / 2.0)::int AS fm FROM scored) s
                )
                SELECT st.pid,
                       sg.r, sg.f, sg.m,
                       CASE WHEN sg.pid IS NULL THEN NULL ELSE CONCAT(sg.r, sg.f, sg.m) END AS score,
                       COALESCE(sg.segment, 'lost') AS segment,
                       CASE
                         WHEN %(now)s::timestamp - st.last_date
                              <= 1.5 * COALESCE((st.last_date - st.first_date) / NULLIF(st.n_all - 1, 0),
                                                %(default_interval)s * INTERVAL '1 day') THEN 'low'
                         WHEN %(now)s::timestamp - st.last_date
                              <= 3 * COALESCE((st.last_date - st.first_date) / NULLIF(st.n_all - 1, 0),
                                              %(default_interval)s * INTERVAL '1 day') THEN 'medium'
                         ELSE 'high'
                       END AS churn
                  FROM stats st
                  LEFT JOIN segmented sg ON sg.pid = st.pid
                """,
                start=now - timedelta(days=window),
                case=RFM_SEGMENT_CASE,
                own_company=self._crm_own_company_sql(
                    SQL("so.crm_commercial_partner_id"), SQL("so.company_id")
                ),
                now=now,
                default_interval=self._churn_default_interval(),
            )
        )
        cr.execute("CREATE INDEX ON crm_rfm_new (pid)")
        cr.execute("ANALYZE crm_rfm_new")
        # History of segment changes, then the new values, then customers who left the scoring.
        cr.execute(
            SQL(
                """
                INSERT INTO crm_rfm_history (partner_id, company_id, date, old_segment, new_segment,
                                             rfm_score, create_date, write_date)
                SELECT p.id, p.company_id, %(today)s, p.rfm_segment, n.segment, n.score, %(now)s, %(now)s
                  FROM crm_rfm_new n JOIN res_partner p ON p.id = n.pid
                 WHERE p.rfm_segment IS DISTINCT FROM n.segment
                """,
                today=today,
                now=now,
            )
        )
        cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET rfm_recency = n.r, rfm_frequency = n.f, rfm_monetary = n.m, rfm_score = n.score,
                       rfm_segment_date = CASE WHEN p.rfm_segment IS DISTINCT FROM n.segment
                                               THEN %(today)s ELSE p.rfm_segment_date END,
                       rfm_segment = n.segment, churn_risk = n.churn
                  FROM crm_rfm_new n
                 WHERE p.id = n.pid
                   AND (p.rfm_score, p.rfm_segment, p.churn_risk) IS DISTINCT FROM (n.score, n.segment, n.churn)
                """,
                today=today,
            )
        )
        cr.execute(
            """
            UPDATE res_partner p
               SET rfm_recency = NULL, rfm_frequency = NULL, rfm_monetary = NULL, rfm_score = NULL,
                   rfm_segment = NULL, rfm_segment_date = NULL, churn_risk = NULL
             WHERE p.rfm_segment IS NOT NULL AND NOT EXISTS (SELECT 1 FROM crm_rfm_new n WHERE n.pid = p.id)
            """
        )
        cr.execute("DROP TABLE crm_rfm_new")
        self.invalidate_model()
        self.env["crm.rfm.history"].invalidate_model()
        self.env["crm.lead"]._sync_customer_segments()
        self.env["sale.order"]._sync_customer_segments()
        return True

    @api.model
    def _churn_default_interval(self):
        return bounded_int_param(
            self.env, "crm_extended.churn_default_interval_days", 90, CHURN_INTERVAL_DAYS_BOUNDS
        )

    @api.model
    def _cron_recompute_rfm(self):
        # one pass: the quintiles are ranks among every customer, they cannot be split
        self.env["ir.cron"]._crm_run_heavy(self, "_recompute_rfm", "rfm")

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------

    def _crm_360_domain_partners(self):
        self.ensure_one()
        return [("partner_id", "child_of", self.commercial_partner_id.id)]

    def action_view_360_orders(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action["domain"] = [*self._crm_360_domain_partners(), ("state", "=", "sale")]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_360_quotations(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_quotations_with_onboarding")
        action["domain"] = [*self._crm_360_domain_partners(), ("state", "in", ("draft", "sent"))]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_360_invoices(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [
            *self._crm_360_domain_partners(),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
        ]
        action["context"] = {"default_move_type": "out_invoice", "default_partner_id": self.id}
        return action

    def action_view_360_due(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [
            *self._crm_360_domain_partners(),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ]
        action["context"] = {"default_move_type": "out_invoice"}
        action["name"] = _("Open Invoices")
        return action

    def action_view_rfm_history(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("RFM History"),
            "res_model": "crm.rfm.history",
            "view_mode": "list",
            "domain": [("partner_id", "=", self.commercial_partner_id.id)],
        }

    def _compute_crm_interaction_count(self):
        """Counted at the commercial-partner level, one grouped query."""
        interactions = {
            partner.id: count
            for partner, count in self.env["crm.interaction"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        }
        for partner in self:
            partner.crm_interaction_count = interactions.get(partner.commercial_partner_id.id, 0)

    def action_view_crm_interactions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_extended.action_crm_interaction")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_crm_timeline(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_extended.action_crm_partner_timeline")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action

    def action_log_interaction(self):
        self.ensure_one()
        return self.env["crm.interaction"]._action_log(partner=self)

    # ------------------------------------------------------------------
    # Privacy: marketing consent, anonymization, export, retention
    # ------------------------------------------------------------------

    @api.model
    def _crm_privacy_vals(self, vals):
        """The anonymization date and the consent date are bookkeeping: set by our code, never
        taken from a caller; the consent date follows the consent flag."""
        vals = {
            k: v for k, v in vals.items() if k not in ("crm_anonymized_date", "crm_marketing_opt_out_date")
        }
        if "crm_marketing_opt_out" in vals:
            vals["crm_marketing_opt_out_date"] = (
                fields.Date.context_today(self) if vals["crm_marketing_opt_out"] else False
            )
        return vals

    @api.model
    @api.model
    def _crm_consent_domain(self):
        """The consent half of _crm_marketing_domain: neither the contact nor his company
        withdrew consent, and he was not anonymized. Mailings to segments use it on top of
        core's own handling of blacklisted and missing addresses (a cancelled trace that says
        why)."""
        return [
            ("crm_marketing_opt_out", "=", False),
            ("commercial_partner_id.crm_marketing_opt_out", "=", False),
            ("crm_anonymized_date", "=", False),
        ]

    def _crm_marketing_domain(self, channel):
        """The one rule of marketing consent, as a domain on contacts: who may receive marketing
        on ``channel`` ("email" or "sms"): an address or number that is not on core's blacklist
        (mail.blacklist, phone.blacklist), and neither the contact nor his company withdrew
        consent. Purchase-triggered emails use it."""
        domain = self._crm_consent_domain()
        if channel == "email":
            return [*domain, ("email_normalized", "!=", False), ("is_blacklisted", "=", False)]
        if channel == "sms":
            blacklisted = self.env["phone.blacklist"].sudo()._search([("active", "=", True)])
            return [
                *domain,
                ("phone_e164", "!=", False),
                ("phone_e164", "not in", SQL("(%s)", blacklisted.select("number"))),
            ]
        raise UserError(_("Unknown marketing channel: %s", channel))

    def _crm_marketing_allowed(self, channel):
        """The contacts among these who may receive marketing on ``channel`` (one query)."""
        if not self:
            return self
        return self.with_context(active_test=False).search(
            [("id", "in", self.ids), *self._crm_marketing_domain(channel)]
        )

    def action_anonymize_customer(self):
        """Remove the personal data of these customers and of their contacts, on request:
        Sales administrators only, confirmed in the form, logged on the customer. Orders,
        invoices, payments and loyalty points keep their amounts; the contacts are archived
        under a neutral name. Irreversible; a contact already anonymized is left as it is."""
        check_privacy_manager(self.env, _("Anonymize Customer"))
        self.check_access("write")
        partners = self.with_context(active_test=False).search([("id", "child_of", self.ids)])
        partners.check_access("write")
        todo = partners.filtered(lambda p: not p.crm_anonymized_date)
        if not todo:
            return True
        blockers = todo.sudo()._crm_anonymize_blockers()
        if blockers:
            raise UserError(
                _(
                    "This customer cannot be anonymized yet:\n%(reasons)s",
                    reasons="\n".join(f"- {reason}" for reason in blockers),
                )
            )
        # every addon removes what its records hold, while the contacts still have their
        # addresses; then the contacts themselves
        todo.sudo()._crm_anonymize_records()
        todo.sudo()._crm_anonymize_partners()
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL("UPDATE res_partner SET crm_anonymized_date = %s WHERE id = ANY(%s)", now, todo.ids)
        )
        todo.invalidate_recordset(["crm_anonymized_date"])
        for partner in self & todo:
            # who and when, no personal data (the message is on the anonymized contact)
            partner.sudo().message_post(
                body=_(
                    "Personal data of this customer and of %(count)s contact(s) anonymized on request by %(user)s.",
                    count=len(todo) - 1,
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        _logger.info("privacy: user %s anonymized contacts %s", self.env.uid, todo.ids)
        return True

    def _crm_anonymize_blockers(self):
        """Why these contacts cannot be anonymized now (translated sentences); addons add theirs
        (crm_service: open tickets). Called as superuser after the access checks."""
        reasons = []
        if (
            self.env["res.users"]
            .with_context(active_test=True)
            .search_count([("partner_id", "in", self.ids)])
        ):
            reasons.append(_("a contact is the partner of an active user: archive the user first"))
        if self.env["res.company"].search_count([("partner_id", "in", self.ids)]):
            reasons.append(_("a contact is the address of one of your companies"))
        # any company, any currency: an open receivable line of his is an open obligation
        if self.env["account.move.line"].search_count(
            [
                ("partner_id", "in", self.ids),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0),
            ],
            limit=1,
        ):
            reasons.append(_("an invoice or a payment is still open"))
        # the records are cleared as superuser: none may belong to a company the requester
        # does not work in (each addon checks its own, crm_service its tickets)
        companies = self.env.user.company_ids
        foreign_interactions = self.env["crm.interaction"].search_count(
            [("partner_id", "in", self.ids), ("company_id", "not in", companies.ids)], limit=1
        )
        foreign_leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search_count(
                [
                    ("partner_id", "in", self.ids),
                    ("company_id", "!=", False),
                    ("company_id", "not in", companies.ids),
                ],
                limit=1,
            )
        )
        if foreign_interactions or foreign_leads:
            reasons.append(
                _(
                    "interactions or leads of a company you do not work in concern this customer: "
                    "its administrator must do it"
                )
            )
        return reasons

    def _crm_anonymize_records(self):
        """Remove the personal data these contacts left in the suite's records; each addon
        extends it for its own (crm_service: tickets, crm_loyalty: trigger logs). Called as
        superuser after the access checks, before the contacts' own fields are cleared."""
        self.env["crm.interaction"].with_context(active_test=False).search(
            [("partner_id", "in", self.ids)]
        )._crm_anonymize()
        self.env["crm.duplicate.candidate"].search(
            ["|", ("partner_a_id", "in", self.ids), ("partner_b_id", "in", self.ids)]
        ).unlink()
        self.env["crm.rfm.history"].search([("partner_id", "in", self.ids)]).unlink()
        self.env.cr.execute(
            SQL("DELETE FROM crm_customer_segment_partner_rel WHERE partner_id = ANY(%s)", self.ids)
        )
        self.invalidate_recordset(["segment_ids"])
        self.env["crm.customer.segment"].invalidate_model(["partner_ids", "partner_count"])
        # his leads keep their title, stage and revenue, not his contact details nor the talks
        leads = self.env["crm.lead"].with_context(active_test=False).search([("partner_id", "in", self.ids)])
        leads.with_context(tracking_disable=True, mail_notrack=True).write(
            dict.fromkeys(LEAD_PERSONAL_FIELDS, False)
        )
        anonymize_messages(self.env, "crm.lead", leads.ids, self.env._("<p>Anonymized</p>"))
        anonymize_messages(self.env, "res.partner", self.ids, self.env._("<p>Anonymized</p>"))
        forget_author_emails(self.env, self.ids)
        return True

    def _crm_anonymized_partner_vals(self):
        """What stays of an anonymized contact: a neutral name, archived, no address, no
        consent to marketing. Country and company stay: taxes and reports group by them."""
        return {
            "email": False,
            "phone": False,
            "mobile": False,
            "street": False,
            "street2": False,
            "city": False,
            "zip": False,
            "state_id": False,
            "vat": False,
            "website": False,
            "comment": False,
            "function": False,
            "title": False,
            "ref": False,
            "image_1920": False,
            "crm_marketing_opt_out": True,
            "active": False,
        }

    def _crm_anonymize_partners(self):
        """Clear the contacts' own fields (one write) and give each a neutral name."""
        partners = self.with_context(tracking_disable=True, mail_notrack=True)
        partners.write(self._crm_anonymized_partner_vals())
        for partner in partners:
            partner.name = self.env._("Anonymized customer #%(id)s", id=partner.id)

    def action_export_customer_data(self):
        """Download everything the suite holds about this customer (his contacts, 360 figures,
        interactions and what other addons add: tickets, loyalty) as one JSON file. Personal
        data: Sales administrators only. The file is made on request by a controller that
        checks the same rights again; nothing is stored."""
        self.ensure_one()
        self._crm_check_export_access()
        return {
            "type": "ir.actions.act_url",
            "url": f"/crm_extended/customer_data/{self.id}",
            "target": "self",
        }

    def _crm_check_export_access(self):
        check_privacy_manager(self.env, _("Export Customer Data"))
        self.check_access("read")

    def _crm_export_json(self):
        """The export file: (file name, bytes). Checks the caller's rights."""
        self.ensure_one()
        self._crm_check_export_access()
        data = self._crm_export_data()
        content = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True, default=str)
        return f"customer-{self.id}.json", content.encode()

    def _crm_export_data(self):
        """{section: data} read with the caller's rights; each addon adds its section
        (crm_service: "tickets", crm_loyalty: "loyalty")."""
        self.ensure_one()
        customer = self.commercial_partner_id
        contacts = self.with_context(active_test=False).search([("id", "child_of", customer.id)])
        interactions = self.env["crm.interaction"].search([("commercial_partner_id", "=", customer.id)])
        return {
            "customer": customer._crm_export_contact(),
            "contacts": [c._crm_export_contact() for c in contacts - customer],
            "customer_360": {
                "currency": customer.crm_currency_id.name,
                "customer_since": customer.customer_since,
                "last_order_date": customer.last_order_date,
                "order_count": customer.order_count,
                "open_quotation_count": customer.open_quotation_count,
                "lifetime_value": customer.lifetime_value,
                "average_order_value": customer.average_order_value,
                "amount_due": customer.amount_due,
                "amount_overdue": customer.amount_overdue,
                "rfm_score": customer.rfm_score,
                "rfm_segment": customer.rfm_segment,
                "churn_risk": customer.churn_risk,
                "segments": customer.segment_ids.mapped("name"),
            },
            "interactions": [
                {
                    "date": i.date,
                    "channel": i.channel,
                    "direction": i.direction,
                    "summary": i.name,
                    "outcome": i.outcome,
                    "duration_hours": i.duration,
                    "note": html2plaintext(i.note or ""),
                    "contact": i.partner_id.display_name,
                }
                for i in interactions
            ],
        }

    def _crm_export_contact(self):
        self.ensure_one()
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email or "",
            "phone": self.phone or "",
            "mobile": self.mobile or "",
            "street": self.street or "",
            "street2": self.street2 or "",
            "zip": self.zip or "",
            "city": self.city or "",
            "country": self.country_id.name or "",
            "vat": self.vat or "",
            "website": self.website or "",
            "language": self.lang or "",
            "marketing_consent_withdrawn": self.crm_marketing_opt_out_date or False,
            "email_blacklisted": self.is_blacklisted,
        }

    @api.model
    def _crm_privacy_lookup_fields(self):
        """Fields of the suite's models that core's privacy lookup does not search:
        [(model, field, "partner" | "email")]. Core skips links deleted with the contact
        (ondelete cascade) and addresses in fields not named email; addons add theirs
        (crm_service: a ticket's address, crm_loyalty: rewards issued)."""
        return [
            ("crm.duplicate.candidate", "partner_a_id", "partner"),
            ("crm.duplicate.candidate", "partner_b_id", "partner"),
            ("crm.rfm.history", "partner_id", "partner"),
        ]

    @api.model
    def _crm_privacy_lookup_queries(self, email, partner_ids_sql):
        """SELECTs of (res_model_id, res_id, is_active) of the records of _crm_privacy_lookup_fields
        about a person: linked to one of his contacts (``partner_ids_sql``, the SQL of their ids)
        or holding his address ``email``. One SELECT per model."""
        conditions = defaultdict(list)
        for model_name, fname, kind in self._crm_privacy_lookup_fields():
            column = SQL.identifier(fname)
            if kind == "partner":
                conditions[model_name].append(SQL("%s IN (%s)", column, partner_ids_sql))
            elif email:
                conditions[model_name].append(SQL("%s ILIKE %s", column, f"%{email}%"))
        queries = []
        for model_name, where in conditions.items():
            Model = self.env[model_name]
            queries.append(
                SQL(
                    "SELECT %s AS res_model_id, id AS res_id, %s AS is_active FROM %s WHERE %s",
                    self.env["ir.model"]._get_id(model_name),
                    SQL.identifier("active") if "active" in Model._fields else SQL("TRUE"),
                    SQL.identifier(Model._table),
                    SQL(" OR ").join(where),
                )
            )
        return queries

    @api.model
    def _crm_retention_anonymize(self, limit):
        """Anonymize, up to ``limit`` records per kind, what is older than the retention
        settings allow; returns (done, remaining). Addons add theirs (crm_service: closed
        tickets)."""
        years = bounded_int_param(self.env, RETENTION_INTERACTION_PARAM, 0, RETENTION_YEARS_BOUNDS)
        return self.env["crm.interaction"]._crm_retention_anonymize(years, limit)

    @api.model
    def _cron_crm_retention(self, limit=RETENTION_BATCH):
        done, remaining = self._crm_retention_anonymize(limit)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
