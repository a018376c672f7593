from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

# the columns of sale_order the customer 360 figures are computed from
CUSTOMER_360_COLUMNS = frozenset(
    {"state", "partner_id", "date_order", "amount_untaxed", "currency_rate", "company_id"}
)


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "crm.segment.mirror.mixin"]

    # Quotations follow the customer's segment; a confirmed order keeps the segment the customer
    # had when it was confirmed, so that sales can be analysed by segment at the time of buying
    # and a nightly RFM run does not rewrite millions of historical orders.
    customer_rfm_segment = fields.Selection(
        help="The customer's RFM segment: current on quotations, at confirmation on orders."
    )

    # The customer an order counts for in the 360 and RFM figures, stored so that both are one
    # aggregate over sale_order instead of a join of every order with its contact.
    crm_commercial_partner_id = fields.Many2one(
        "res.partner",
        "Commercial Customer",
        related="partner_id.commercial_partner_id",
        store=True,
    )

    def init(self):
        res = super().init()
        # The RFM recompute reads confirmed orders from this narrow index instead of the table
        # (the company decides whether an order counts for a customer of one company).
        self.env.cr.execute("DROP INDEX IF EXISTS sale_order_crm_rfm_idx")
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS sale_order_crm_rfm_company_idx"
            " ON sale_order (crm_commercial_partner_id, date_order)"
            " INCLUDE (amount_untaxed, currency_rate, company_id) WHERE state = 'sale'"
        )
        return res

    def _auto_init(self):
        # Fill the new column with one UPDATE on install instead of an ORM recompute per order.
        if not column_exists(self.env.cr, "sale_order", "crm_commercial_partner_id"):
            create_column(self.env.cr, "sale_order", "crm_commercial_partner_id", "int4")
            self.env.cr.execute(
                """
                UPDATE sale_order so SET crm_commercial_partner_id = p.commercial_partner_id
                  FROM res_partner p WHERE p.id = so.partner_id
                """
            )
        return super()._auto_init()

    def _segment_sync_scope(self):
        # Quotations follow their customer (the stored compute, and this sync after every
        # set-based RFM or segment run); confirming freezes what the quotation has, so a
        # confirmation reads and writes nothing of it.
        return SQL("d.state IN ('draft', 'sent')")

    def _crm_queue_360(self):
        """The customers' 360 figures follow these orders when the transaction commits."""
        self.env["res.partner"]._crm_queue_customer_360(order_ids=self.ids)

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._crm_queue_360()
        return orders

    def write(self, vals):
        if "partner_id" in vals:
            # the customer the orders leave (the one they go to is read at commit time)
            self.env["res.partner"]._crm_queue_customer_360(self.partner_id.commercial_partner_id.ids)
        return super().write(vals)

    def _write_multi(self, vals_list):
        # Every stored value reaches the table here, whoever changed it: a user's write or a
        # compute (line quantities and prices move amount_untaxed, a pricelist the rate).
        res = super()._write_multi(vals_list)
        ids = [
            record.id
            for record, vals in zip(self, vals_list, strict=True)
            if not CUSTOMER_360_COLUMNS.isdisjoint(vals)
        ]
        if ids:
            self.env["res.partner"]._crm_queue_customer_360(order_ids=ids)
        return res

    def unlink(self):
        self.env["res.partner"]._crm_queue_customer_360(self.partner_id.commercial_partner_id.ids)
        return super().unlink()
