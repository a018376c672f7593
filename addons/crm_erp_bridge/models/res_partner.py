from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    o2c_amount_ordered = fields.Monetary(
        "Ordered", compute="_compute_o2c_360", currency_field="crm_currency_id"
    )
    o2c_amount_delivered = fields.Monetary(
        "Delivered", compute="_compute_o2c_360", currency_field="crm_currency_id"
    )
    o2c_amount_invoiced = fields.Monetary(
        "Invoiced", compute="_compute_o2c_360", currency_field="crm_currency_id"
    )
    o2c_amount_paid = fields.Monetary("Paid", compute="_compute_o2c_360", currency_field="crm_currency_id")
    on_time_delivery_rate = fields.Float(
        "On-Time Delivery",
        compute="_compute_o2c_360",
        help="Share of the customer's fully delivered orders whose last delivery was done on or "
        "before the date committed (or promised).",
    )

    def _compute_o2c_360(self):
        """Order-to-cash figures of the commercial customer: two aggregates for all partners."""
        commercial = {p: p.commercial_partner_id._origin.id for p in self}
        ids = list(set(commercial.values()))
        Order = self.env["sale.order"].sudo()
        totals = {
            partner.id: rest
            for partner, *rest in Order._read_group(
                [("crm_commercial_partner_id", "in", ids), ("state", "=", "sale")],
                ["crm_commercial_partner_id"],
                [
                    "amount_ordered:sum",
                    "amount_delivered:sum",
                    "amount_invoiced:sum",
                    "amount_paid:sum",
                ],
            )
        }
        delivered_counts = {
            partner.id: count
            for partner, count in Order._read_group(
                [
                    ("crm_commercial_partner_id", "in", ids),
                    ("state", "=", "sale"),
                    ("delivery_status", "=", "full"),
                ],
                ["crm_commercial_partner_id"],
                ["__count"],
            )
        }
        on_time = {
            partner.id: count
            for partner, count in Order._read_group(
                [
                    ("crm_commercial_partner_id", "in", ids),
                    ("state", "=", "sale"),
                    ("delivery_status", "=", "full"),
                    ("delivery_on_time", "=", True),
                ],
                ["crm_commercial_partner_id"],
                ["__count"],
            )
        }
        for partner in self:
            cid = commercial[partner]
            ordered, delivered, invoiced, paid = totals.get(cid, (0.0,) * 4)
            partner.o2c_amount_ordered = ordered
            partner.o2c_amount_delivered = delivered
            partner.o2c_amount_invoiced = invoiced
            partner.o2c_amount_paid = paid
            done = delivered_counts.get(cid, 0)
            partner.on_time_delivery_rate = 100.0 * on_time.get(cid, 0) / done if done else 0.0
