from odoo import fields, models, tools
from odoo.tools import SQL

from .crm_loyalty_ledger import ENTRY_TYPES


class CrmLoyaltyReport(models.Model):
    """Points issued, used, expired and reversed per month and program, from the ledger.
    'Liability' is the points' value: summed over all months it is what the company owes
    its members today (outstanding points x point value)."""

    _name = "crm.loyalty.report"
    _description = "Loyalty Points Analysis"
    _auto = False
    _order = "month desc"

    month = fields.Date(readonly=True)
    program_id = fields.Many2one("loyalty.program", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    entry_type = fields.Selection(ENTRY_TYPES, readonly=True)
    entry_count = fields.Integer("Entries", readonly=True)
    points_issued = fields.Float(readonly=True)
    points_used = fields.Float(readonly=True)
    net_points = fields.Float("Net Points", readonly=True)
    liability = fields.Float(readonly=True, help="Net points x the program's point value.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS (
                    SELECT MIN(h.id) AS id,
                           date_trunc('month', h.date)::date AS month,
                           c.program_id, p.company_id, h.entry_type,
                           COUNT(*) AS entry_count,
                           SUM(COALESCE(h.issued, 0)) AS points_issued,
                           SUM(COALESCE(h.used, 0)) AS points_used,
                           SUM(COALESCE(h.issued, 0) - COALESCE(h.used, 0)) AS net_points,
                           SUM(COALESCE(h.issued, 0) - COALESCE(h.used, 0)) * COALESCE(MAX(p.crm_point_value), 0)
                               AS liability
                      FROM crm_loyalty_ledger h
                      JOIN loyalty_card c ON c.id = h.card_id
                      JOIN loyalty_program p ON p.id = c.program_id
                     WHERE p.program_type = 'loyalty'
                  GROUP BY date_trunc('month', h.date), c.program_id, p.company_id, h.entry_type
                )
                """,
                SQL.identifier(self._table),
            )
        )
