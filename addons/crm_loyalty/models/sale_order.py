from collections import defaultdict

from odoo import _, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _update_loyalty_history(self, coupon_id, points):
        """Core adds later uses to the order's history row; the ledger records a use row."""
        self.ensure_one()
        self.env["loyalty.history"].create(
            {
                "card_id": coupon_id.id,
                "order_model": self._name,
                "order_id": self.id,
                "description": _("Order %s", self.display_name),
                "used": points,
                "entry_type": "use",
            }
        )

    def action_confirm(self):
        # two orders spending the same points: the second one fails cleanly instead of
        # overdrawing the card (core checks the balance right after, on fresh values)
        (self.order_line.coupon_id | self.applied_coupon_ids).sudo()._crm_lock()
        result = super().action_confirm()
        self._crm_loyalty_after_confirm()
        return result

    def _crm_loyalty_after_confirm(self):
        History = self.env["loyalty.history"].sudo()
        earned = History.search(
            [
                ("order_model", "=", self._name),
                ("order_id", "in", self.ids),
                ("entry_type", "=", "earn"),
                ("issued", ">", 0),
            ]
        )
        bonus = defaultdict(float)
        rows = []
        for row in earned:
            multiplier = row.card_id.tier_id.earn_multiplier or 1.0
            if multiplier == 1.0 or row.description.startswith(_("Tier bonus")):
                continue
            extra = (
                row.card_id.currency_id.round(row.issued * (multiplier - 1.0))
                if row.card_id.currency_id
                else (row.issued * (multiplier - 1.0))
            )
            if extra <= 0:
                continue
            bonus[row.card_id] += extra
            rows.append(
                {
                    "card_id": row.card_id.id,
                    "order_model": row.order_model,
                    "order_id": row.order_id,
                    "description": _(
                        "Tier bonus (%(tier)s x%(m)s)", tier=row.card_id.tier_id.name, m=multiplier
                    ),
                    "issued": extra,
                    "entry_type": "earn",
                }
            )
        if rows:
            self.env["loyalty.history"].create(rows)
            for card, extra in bonus.items():
                card.sudo().points += extra
        earned.card_id.sudo()._crm_update_tiers()

    def _action_cancel(self):
        confirmed = self.filtered(lambda o: o.state == "sale")
        bonus = defaultdict(float)
        for row in (
            self.env["loyalty.history"]
            .sudo()
            .search(
                [
                    ("order_model", "=", self._name),
                    ("order_id", "in", confirmed.ids),
                    ("entry_type", "=", "earn"),
                    ("description", "=like", _("Tier bonus") + "%"),
                ]
            )
        ):
            bonus[row.card_id] += row.issued
        result = super()._action_cancel()
        for card, extra in bonus.items():
            card.sudo().points -= extra
        return result
