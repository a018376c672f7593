import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .crm_access import check_crm_manager
from .res_partner import bounded_int_param

# bounds of the scan's settings: trigram similarity, and the largest block of names compared
NAME_THRESHOLD_BOUNDS = (0.1, 1.0)
MAX_BLOCK_BOUNDS = (2, 5000)

_logger = logging.getLogger(__name__)

# Put in the context by this module's own methods to write the review bookkeeping; JSON cannot
# carry it, so a client cannot write candidates directly.
_TRUSTED = object()

# Two contacts may be the same customer only within one company: a contact of a company pairs
# with contacts of that company or shared ones (no company), never with another company's.
_SAME_COMPANY = "(%(x)s IS NULL OR %(y)s IS NULL OR %(x)s = %(y)s)"


def _same_company(x, y):
    return SQL(_SAME_COMPANY % {"x": x, "y": y})


class CrmDuplicateCandidate(models.Model):
    _name = "crm.duplicate.candidate"
    _description = "Duplicate Customer Candidate"
    _order = "state, score desc, id"
    _rec_name = "partner_a_id"

    partner_a_id = fields.Many2one(
        "res.partner", "Keep", required=True, ondelete="cascade", index=True, readonly=True
    )
    partner_b_id = fields.Many2one(
        "res.partner",
        "Merge Into Kept",
        ondelete="cascade",
        index=True,
        readonly=True,
        help="Emptied once merged: the contact no longer exists.",
    )
    partner_b_name = fields.Char("Duplicate Name", readonly=True)
    score = fields.Float(
        readonly=True, digits=(5, 1), aggregator="avg", help="0-100: how alike the two contacts are."
    )
    reasons = fields.Char(readonly=True)
    state = fields.Selection(
        [("new", "To Review"), ("merged", "Merged"), ("dismissed", "Not a Duplicate")],
        default="new",
        required=True,
        readonly=True,
        index=True,
    )
    # read with the user's rights on the contacts, never as superuser
    partner_a_email = fields.Char(related="partner_a_id.email", string="Email (kept)", compute_sudo=False)
    partner_b_email = fields.Char(
        related="partner_b_id.email", string="Email (duplicate)", compute_sudo=False
    )
    partner_a_phone = fields.Char(related="partner_a_id.phone", string="Phone (kept)", compute_sudo=False)
    partner_b_phone = fields.Char(
        related="partner_b_id.phone", string="Phone (duplicate)", compute_sudo=False
    )
    company_id = fields.Many2one(
        "res.company",
        readonly=True,
        index=True,
        help="The company of whichever contact belongs to one (both are of the same company or shared).",
    )
    reviewed_by_id = fields.Many2one("res.users", readonly=True)
    reviewed_date = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("pair_uniq", "unique(partner_a_id, partner_b_id)", "This pair of contacts is already in the queue."),
    ]

    @api.model
    def _name_threshold(self):
        value = (
            self.env["ir.config_parameter"].sudo().get_param("crm_extended.duplicate_name_threshold", "0.6")
        )
        try:
            return min(NAME_THRESHOLD_BOUNDS[1], max(NAME_THRESHOLD_BOUNDS[0], float(value)))
        except (TypeError, ValueError):
            return 0.6

    @api.model
    def _max_block(self):
        return bounded_int_param(self.env, "crm_extended.duplicate_max_block", 300, MAX_BLOCK_BOUNDS)

    @api.model
    def _has_trigram(self):
        self.env.cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return bool(self.env.cr.fetchone())

    def write(self, vals):
        # the queue is filled by the scan and moved by the review buttons, never edited
        if not self.env.su and self.env.context.get("crm_duplicate_review") is not _TRUSTED:
            raise AccessError(
                _("Duplicate candidates change only through Merge, Not a Duplicate and Review Again.")
            )
        return super().write(vals)

    @api.model
    def action_scan(self):
        """Fill the review queue with new candidate pairs (Sales administrators only)."""
        check_crm_manager(self.env, _("Scan for Duplicates"))
        return self._scan()

    @api.model
    def _scan(self):
        """Fill the review queue with new candidate pairs, in a handful of SQL statements.

        Pairs are matched on normalized email, E.164 phone, normalized VAT and, with pg_trgm,
        on name similarity; pairs already reviewed (dismissed or merged) never come back.
        Contacts of different companies are never paired.
        """
        Partner = self.env["res.partner"]
        Partner.flush_model()
        self.flush_model()
        cr = self.env.cr
        cr.execute("CREATE TEMP TABLE crm_dup_pairs (a int, b int, reason text, score float) ON COMMIT DROP")
        for column, reason, score in (
            ("email_normalized", "email", 90.0),
            ("phone_e164", "phone", 80.0),
            ("vat_normalized", "vat", 95.0),
        ):
            cr.execute(
                SQL(
                    """
                    INSERT INTO crm_dup_pairs
                    SELECT x.id, y.id, %(reason)s, %(score)s
                      FROM res_partner x
                      JOIN res_partner y ON y.%(col)s = x.%(col)s AND y.id > x.id
                     WHERE x.%(col)s IS NOT NULL AND x.%(base)s AND y.%(base_y)s
                       AND x.commercial_partner_id <> y.commercial_partner_id
                       AND %(same_company)s
                    """,
                    reason=reason,
                    score=score,
                    col=SQL.identifier(column),
                    base=SQL("active AND x.type = 'contact'"),
                    base_y=SQL("active AND y.type = 'contact'"),
                    same_company=_same_company("x.company_id", "y.company_id"),
                )
            )
        if self._has_trigram():
            threshold = self._name_threshold()
            # Blocking: only names sharing their first or their last word are compared, which keeps
            # the self-join near linear; similarity() is pg_trgm's trigram similarity.
            cr.execute(
                """
                CREATE TEMP TABLE crm_dup_names ON COMMIT DROP AS
                SELECT id, commercial_partner_id AS cp, company_id AS co, name_normalized AS nn,
                       split_part(name_normalized, ' ', 1) AS w1,
                       regexp_replace(name_normalized, '^.* ', '') AS w2
                  FROM res_partner
                 WHERE active AND type = 'contact' AND name_normalized IS NOT NULL
                """
            )
            cr.execute(
                """
                CREATE TEMP TABLE crm_dup_blocks ON COMMIT DROP AS
                SELECT id, cp, co, nn, w1 AS k, COUNT(*) OVER (PARTITION BY w1) AS size FROM crm_dup_names
                 UNION ALL
                SELECT id, cp, co, nn, '~' || w2, COUNT(*) OVER (PARTITION BY w2) FROM crm_dup_names
                """
            )
            cr.execute(SQL("DELETE FROM crm_dup_blocks WHERE size = 1 OR size > %s", self._max_block()))
            cr.execute("ANALYZE crm_dup_blocks")
            # Same name once normalized: always a candidate, whatever the block sizes.
            cr.execute(
                SQL(
                    """
                    INSERT INTO crm_dup_pairs
                    SELECT x.id, y.id, 'name', 100
                      FROM crm_dup_names x
                      JOIN crm_dup_names y ON y.nn = x.nn AND y.id > x.id AND y.cp <> x.cp
                     WHERE %s
                    """,
                    _same_company("x.co", "y.co"),
                )
            )
            # Blocking: names sharing their first or their last word are compared with pg_trgm's
            # similarity(); words shared by too many names (a block larger than the cap) say too
            # little and would make the comparison quadratic, so those blocks are skipped.
            cr.execute(
                SQL(
                    """
                    INSERT INTO crm_dup_pairs
                    SELECT DISTINCT x.id, y.id, 'name', 100 * similarity(x.nn, y.nn)
                      FROM crm_dup_blocks x
                      JOIN crm_dup_blocks y ON y.k = x.k AND y.id > x.id AND y.cp <> x.cp
                     WHERE x.nn <> y.nn AND similarity(x.nn, y.nn) >= %s AND %s
                    """,
                    threshold,
                    _same_company("x.co", "y.co"),
                )
            )
            cr.execute("DROP TABLE crm_dup_blocks")
            cr.execute("DROP TABLE crm_dup_names")
        else:
            _logger.warning("pg_trgm is not available: duplicate scan compares exact normalized names only")
            cr.execute(
                SQL(
                    """
                    INSERT INTO crm_dup_pairs
                    SELECT x.id, y.id, 'name', 100
                      FROM res_partner x
                      JOIN res_partner y ON y.name_normalized = x.name_normalized AND y.id > x.id
                     WHERE x.name_normalized IS NOT NULL AND x.active AND y.active
                       AND x.type = 'contact' AND y.type = 'contact'
                       AND x.commercial_partner_id <> y.commercial_partner_id
                       AND %s
                    """,
                    _same_company("x.company_id", "y.company_id"),
                )
            )
        # One row per pair: best signal plus a bonus per extra signal; keep the older contact.
        now = fields.Datetime.now()
        cr.execute(
            SQL(
                """
                INSERT INTO crm_duplicate_candidate
                       (partner_a_id, partner_b_id, partner_b_name, score, reasons, state, company_id,
                        create_uid, create_date, write_uid, write_date)
                SELECT g.a, g.b, pb.name, LEAST(100, g.best + 5 * (g.n - 1)), g.reasons, 'new',
                       COALESCE(pa.company_id, pb.company_id),
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM (SELECT a, b, MAX(score) AS best, COUNT(DISTINCT reason) AS n,
                               STRING_AGG(DISTINCT reason, ', ') AS reasons
                          FROM crm_dup_pairs GROUP BY a, b) g
                  JOIN res_partner pa ON pa.id = g.a
                  JOIN res_partner pb ON pb.id = g.b
                 WHERE NOT EXISTS (SELECT 1 FROM crm_duplicate_candidate c
                                    WHERE c.partner_a_id = g.a AND c.partner_b_id = g.b)
                """,
                uid=self.env.uid,
                now=now,
            )
        )
        created = cr.rowcount
        cr.execute("DROP TABLE crm_dup_pairs")
        self.invalidate_model()
        _logger.info("duplicate scan: %s new candidate pairs", created)
        return created

    @api.model
    def _cron_scan(self):
        # one pass: every contact is compared with every other one of its blocks
        self.env["ir.cron"]._crm_run_heavy(self, "_scan", "dedup")

    @api.model
    def action_scan_and_open(self):
        count = self.action_scan()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_extended.action_crm_duplicate_candidate")
        action["context"] = {"search_default_to_review": 1}
        action["help"] = (
            _("<p>The scan found no new possible duplicates.</p>") if not count else action.get("help")
        )
        return action

    def _trusted_write(self, vals):
        return self.with_context(crm_duplicate_review=_TRUSTED).write(vals)

    def _mark_reviewed(self, state):
        self._trusted_write(
            {"state": state, "reviewed_by_id": self.env.uid, "reviewed_date": fields.Datetime.now()}
        )

    def action_merge(self):
        """Merge partner_b into partner_a through Odoo's own partner merge: every linked record moves.

        The caller needs what core's merge wizard needs (Contact Creation) and the rights to
        change the kept contact and delete the duplicate."""
        wizard = self.env["base.partner.merge.automatic.wizard"]
        wizard.check_access("create")
        self.check_access("write")
        for candidate in self:
            if candidate.state != "new":
                raise UserError(_("This pair was already reviewed."))
            keep, duplicate = candidate.partner_a_id, candidate.partner_b_id
            if not duplicate:
                raise UserError(_("The duplicate contact no longer exists."))
            keep.check_access("write")
            duplicate.check_access("unlink")
            # Other pending pairs naming the contact that disappears would point at nothing: the
            # caller may delete that contact, so its pairs go too, whoever may see them.
            others = self.sudo().search(
                [
                    ("id", "!=", candidate.id),
                    "|",
                    ("partner_a_id", "=", duplicate.id),
                    ("partner_b_id", "=", duplicate.id),
                ]
            )
            others.unlink()
            name, duplicate_id = duplicate.display_name, duplicate.id
            candidate._trusted_write({"partner_b_id": False, "partner_b_name": name})
            wizard._merge((keep | duplicate).ids, dst_partner=keep)
            keep.message_post(
                body=_(
                    "Merged duplicate contact %(name)s (id %(id)s) into this one.",
                    name=name,
                    id=duplicate_id,
                )
            )
            candidate._mark_reviewed("merged")
        return True

    def action_dismiss(self):
        """Not a duplicate: remembered, later scans skip the pair."""
        self.filtered(lambda c: c.state == "new")._mark_reviewed("dismissed")
        return True

    def action_reset(self):
        self.filtered(lambda c: c.state == "dismissed")._trusted_write({"state": "new"})
        return True
