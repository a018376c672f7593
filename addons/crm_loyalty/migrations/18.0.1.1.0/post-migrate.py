"""18.0.1.1.0: the points ledger leaves core's loyalty.history for its own model.

Up to 18.0.1.0.0 the ledger was core's `loyalty.history`, extended: an order's line was split
into an award and a use row, and opening balances, balance changes, tier bonuses, expiries,
reversals, payment holds and purchase rewards were rows of it too. Core's contract is one
line per order and card, so the ledger now lives in `crm.loyalty.ledger`:

1. every old row is copied into the ledger as it was (type, dates, remaining points...);
2. core's history keeps only what core writes: the order lines (an order's award and use rows
   merged back into one line per order and card), other modules' lines (point of sale) and
   core's wizards' lines; the rows only the ledger had are removed from it;
3. the ledger entries of an order point at the order's core line (`history_id`);
4. the columns the suite had added to `loyalty_history` are dropped.

Runs after the module's models are updated: the new table exists, the old columns still do.
"""

import logging

from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)

OLD_COLUMNS = (
    "entry_type",
    "date",
    "expiry_date",
    "remaining_points",
    "partner_id",
    "program_id",
    "crm_reversed_order_id",
    "is_tier_bonus",
    "crm_released",
    "crm_pending_closed",
    "crm_reversed_points",
)


def migrate(cr, version):
    if not version or not column_exists(cr, "loyalty_history", "entry_type"):
        return
    cr.execute(
        """
        CREATE TEMP TABLE crm_loyalty_old ON COMMIT DROP AS
        SELECT h.*,
               NOT (COALESCE(h.entry_type, 'earn') IN ('earn', 'use')
                    AND NOT COALESCE(h.is_tier_bonus, FALSE)
                    AND NOT COALESCE(h.crm_released, FALSE)
                    AND h.order_model IS DISTINCT FROM 'account.move'
                    AND h.order_model IS DISTINCT FROM 'crm.loyalty.trigger.log') AS ledger_only
          FROM loyalty_history h
        """
    )
    # one core line per order and card: the lowest id of its rows
    cr.execute(
        """
        CREATE TEMP TABLE crm_loyalty_keep ON COMMIT DROP AS
        SELECT o.id, CASE WHEN o.order_model = 'sale.order'
                          THEN MIN(o.id) OVER (PARTITION BY o.order_model, o.order_id, o.card_id)
                          ELSE o.id END AS keep_id
          FROM crm_loyalty_old o
         WHERE NOT o.ledger_only
        """
    )
    cr.execute(
        """
        INSERT INTO crm_loyalty_ledger (
            card_id, company_id, description, issued, used, order_model, order_id, history_id,
            entry_type, date, expiry_date, remaining_points, partner_id, program_id,
            crm_reversed_order_id, is_tier_bonus, crm_released, crm_pending_closed,
            crm_reversed_points, create_uid, create_date, write_uid, write_date)
        SELECT o.card_id, c.company_id, o.description, o.issued, o.used, o.order_model, o.order_id,
               k.keep_id, COALESCE(o.entry_type, CASE WHEN o.used > 0 AND NOT o.issued > 0
                                                     THEN 'use' ELSE 'earn' END),
               COALESCE(o.date, o.create_date::date, CURRENT_DATE), o.expiry_date,
               COALESCE(o.remaining_points, 0), c.partner_id, c.program_id,
               o.crm_reversed_order_id, COALESCE(o.is_tier_bonus, FALSE),
               COALESCE(o.crm_released, FALSE), o.crm_pending_closed, o.crm_reversed_points,
               o.create_uid, o.create_date, o.write_uid, o.write_date
          FROM crm_loyalty_old o
          JOIN loyalty_card c ON c.id = o.card_id
     LEFT JOIN crm_loyalty_keep k ON k.id = o.id
      ORDER BY o.id
        """
    )
    copied = cr.rowcount
    cr.execute(
        """
        UPDATE loyalty_history h
           SET issued = s.issued, used = s.used
          FROM (SELECT k.keep_id, SUM(COALESCE(o.issued, 0)) AS issued, SUM(COALESCE(o.used, 0)) AS used
                  FROM crm_loyalty_keep k JOIN crm_loyalty_old o ON o.id = k.id
              GROUP BY k.keep_id) s
         WHERE h.id = s.keep_id
        """
    )
    cr.execute(
        """
        DELETE FROM loyalty_history h
         WHERE NOT EXISTS (SELECT 1 FROM crm_loyalty_keep k WHERE k.keep_id = h.id)
        """
    )
    removed = cr.rowcount
    cr.execute("DROP INDEX IF EXISTS loyalty_history_crm_due_idx")
    for column in OLD_COLUMNS:
        cr.execute(f'ALTER TABLE loyalty_history DROP COLUMN IF EXISTS "{column}"')  # noqa: S608
    _logger.info(
        "crm_loyalty: %s ledger rows moved to crm.loyalty.ledger; %s rows only the ledger had "
        "(or an order's split rows) removed from loyalty.history",
        copied,
        removed,
    )
