"""The order-to-cash amounts of sale.order get names of their own.

Until 18.0.1.0.0 the addon redefined core's ``amount_invoiced`` and ``amount_paid`` (and named
the others alike); core's meaning is back, the stored columns move to the ``o2c_`` names so that
no recompute is needed.
"""

from odoo.tools.sql import column_exists, rename_column

RENAMED = ("ordered", "delivered", "invoiced", "paid", "residual")


def migrate(cr, version):
    for name in RENAMED:
        old, new = f"amount_{name}", f"o2c_amount_{name}"
        if column_exists(cr, "sale_order", old) and not column_exists(cr, "sale_order", new):
            rename_column(cr, "sale_order", old, new)
