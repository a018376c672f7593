from odoo import fields, models

O2C_GROUP = "sales_team.group_sale_salesman"


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Internal figures: salespeople only (the partner form shows them in the 360 tab).
    o2c_amount_ordered = fields.Monetary(
        "Ordered", compute="_compute_o2c_360", currency_field="crm_currency_id", groups=O2C_GROUP
    )
    o2c_amount_delivered = fields.Monetary(
        "Delivered", compute="_compute_o2c_360", currency_field="crm_currency_id", groups=O2C_GROUP
    )
    o2c_amount_invoiced = fields.Monetary(
        "Invoiced", compute="_compute_o2c_360", currency_field="crm_currency_id", groups=O2C_GROUP
    )
    o2c_amount_paid = fields.Monetary(
        "Paid", compute="_compute_o2c_360", currency_field="crm_currency_id", groups=O2C_GROUP
    )
    on_time_delivery_rate = fields.Float(
        "On-Time Delivery",
        compute="_compute_o2c_360",
        groups=O2C_GROUP,
        help="Share of the customer's fully delivered orders whose last delivery was done on or "
        "before the date committed (or promised).",
    )

    def _compute_o2c_360(self):
        """Order-to-cash figures of the commercial customer, from the confirmed orders the user
        may read in his active companies (never as superuser), each company's amounts converted
        to the partner's 360 currency at the order date."""
        commercial = {p: p.commercial_partner_id._origin.id for p in self}
        ids = list(set(commercial.values()))
        Order = self.env["sale.order"]
        if not Order.has_access("read"):
            totals, delivered_counts, on_time = {}, {}, {}
        else:
            domain = [("crm_commercial_partner_id", "in", ids)]
            currencies = {p.commercial_partner_id._origin.id: p.crm_currency_id for p in self}
            totals = Order._o2c_totals(domain, "crm_commercial_partner_id", currencies)
            delivered_counts = Order._o2c_count(
                domain + [("delivery_status", "=", "full")], "crm_commercial_partner_id"
            )
            on_time = Order._o2c_count(
                domain + [("delivery_status", "=", "full"), ("delivery_on_time", "=", True)],
                "crm_commercial_partner_id",
            )
        for partner in self:
            cid = commercial[partner]
            ordered, delivered, invoiced, paid = totals.get(cid, (0.0,) * 4)
            partner.o2c_amount_ordered = ordered
            partner.o2c_amount_delivered = delivered
            partner.o2c_amount_invoiced = invoiced
            partner.o2c_amount_paid = paid
            done = delivered_counts.get(cid, 0)
            partner.on_time_delivery_rate = 100.0 * on_time.get(cid, 0) / done if done else 0.0
