from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from .res_partner import RFM_SEGMENTS


class CrmSegmentMirrorMixin(models.AbstractModel):
    """Copies the customer's segments onto documents so they can be filtered and grouped by.
    Internal scoring: employees only (a portal user reads his orders, not their scores)."""

    _name = "crm.segment.mirror.mixin"
    _description = "Customer segments on documents"

    customer_rfm_segment = fields.Selection(
        RFM_SEGMENTS,
        "Customer RFM Segment",
        compute="_compute_customer_segments",
        store=True,
        index=True,
        groups="base.group_user",
    )
    customer_churn_risk = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        "Customer Churn Risk",
        compute="_compute_customer_segments",
        store=True,
        groups="base.group_user",
    )
    customer_segment_ids = fields.Many2many(
        "crm.customer.segment",
        string="Customer Segments",
        compute="_compute_customer_segment_ids",
        search="_search_customer_segment_ids",
        groups="base.group_user",
    )

    @api.depends(
        "partner_id.commercial_partner_id.rfm_segment", "partner_id.commercial_partner_id.churn_risk"
    )
    def _compute_customer_segments(self):
        for record in self:
            partner = record.partner_id.commercial_partner_id
            record.customer_rfm_segment = partner.rfm_segment
            record.customer_churn_risk = partner.churn_risk

    @api.depends("partner_id.commercial_partner_id.segment_ids")
    def _compute_customer_segment_ids(self):
        for record in self:
            record.customer_segment_ids = record.partner_id.commercial_partner_id.segment_ids

    def _search_customer_segment_ids(self, operator, value):
        return [("partner_id.commercial_partner_id.segment_ids", operator, value)]

    def _auto_init(self):
        # Installing on a database with history: the mirror columns are created here, so the
        # ORM does not recompute (and write) them for every order and lead in batches; they
        # start as the customers' segments, which a first install has not scored yet.
        cr = self.env.cr
        new = self._auto and not column_exists(cr, self._table, "customer_rfm_segment")
        if new:
            create_column(cr, self._table, "customer_rfm_segment", "varchar")
            create_column(cr, self._table, "customer_churn_risk", "varchar")
        res = super()._auto_init()
        if new and column_exists(cr, "res_partner", "rfm_segment"):
            cr.execute(
                SQL(
                    """
                    UPDATE %(table)s d
                       SET customer_rfm_segment = cp.rfm_segment, customer_churn_risk = cp.churn_risk
                      FROM res_partner p JOIN res_partner cp ON cp.id = p.commercial_partner_id
                     WHERE d.partner_id = p.id
                       AND (cp.rfm_segment IS NOT NULL OR cp.churn_risk IS NOT NULL)
                    """,
                    table=SQL.identifier(self._table),
                )
            )
        return res

    def _segment_sync_scope(self):
        """Which documents follow their customer's segment as it changes (SQL on alias d)."""
        return SQL("TRUE")

    @api.model
    def _sync_customer_segments(self):
        """After a set-based RFM run: copy changed values with one UPDATE."""
        # everything the statement reads, the scope's fields (an order's state) included
        self.flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id", "rfm_segment", "churn_risk"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE %(table)s d
                   SET customer_rfm_segment = cp.rfm_segment, customer_churn_risk = cp.churn_risk
                  FROM res_partner p JOIN res_partner cp ON cp.id = p.commercial_partner_id
                 WHERE d.partner_id = p.id
                   AND (d.customer_rfm_segment, d.customer_churn_risk)
                       IS DISTINCT FROM (cp.rfm_segment, cp.churn_risk)
                   AND %(scope)s
                """,
                table=SQL.identifier(self._table),
                scope=self._segment_sync_scope(),
            )
        )
        self.invalidate_model(["customer_rfm_segment", "customer_churn_risk"])
