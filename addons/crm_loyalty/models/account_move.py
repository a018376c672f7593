from collections import defaultdict

from odoo import _, models
from odoo.tools import float_is_zero

from .crm_loyalty_ledger import trusted


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.filtered(lambda m: m.move_type == "out_refund")._crm_loyalty_reverse_points()
        return posted

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        orders = self.filtered(lambda m: m.move_type == "out_invoice").invoice_line_ids.sale_line_ids.order_id
        if orders:
            orders.sudo()._crm_release_paid_points()
        return result

    def _crm_loyalty_reverse_points(self):
        """A posted credit note takes back the points its order lines earned, in proportion of
        the refunded amount, once per credit note (posting it again changes nothing)."""
        Ledger = trusted(self.env["crm.loyalty.ledger"].sudo())
        for move in self:
            if Ledger.search_count(
                [
                    ("order_model", "=", "account.move"),
                    ("order_id", "=", move.id),
                    ("entry_type", "=", "reversal"),
                ]
            ):
                continue
            refunded = defaultdict(float)
            for line in move.invoice_line_ids:
                for sale_line in line.sale_line_ids.filtered(lambda sl: not sl.is_reward_line):
                    refunded[sale_line.order_id] += abs(line.price_subtotal) / max(len(line.sale_line_ids), 1)
            for order, amount in refunded.items():
                base = sum(
                    order.order_line.filtered(lambda sl: not sl.is_reward_line).mapped("price_subtotal")
                )
                if float_is_zero(base, precision_digits=2):
                    continue
                ratio = min(amount / base, 1.0)
                earned = Ledger.search(
                    [
                        ("order_model", "=", "sale.order"),
                        ("order_id", "=", order.id),
                        ("issued", ">", 0),
                        ("entry_type", "=", "earn"),
                        ("crm_released", "=", False),
                    ]
                )
                pending = order._crm_pending_points()
                per_card = defaultdict(float)
                for row in earned:
                    per_card[row.card_id] += row.issued
                for card, points in per_card.items():
                    already = sum(
                        Ledger.search(
                            [
                                ("card_id", "=", card.id),
                                ("entry_type", "=", "reversal"),
                                ("crm_reversed_order_id", "=", order.id),
                            ]
                        ).mapped("crm_reversed_points")
                    )
                    target = min(points * ratio, points - already)
                    if target <= 0:
                        continue
                    card._crm_lock()
                    # points still pending payment are taken back from what will be released
                    taken = 0.0 if pending.get((order, card), 0.0) > 0 else min(target, card.points)
                    Ledger.create(
                        {
                            "card_id": card.id,
                            "order_model": "account.move",
                            "order_id": move.id,
                            "crm_reversed_order_id": order.id,
                            "crm_reversed_points": target,
                            "description": _(
                                "Credit note %(move)s for %(order)s: %(points)s points taken back%(short)s",
                                move=move.name,
                                order=order.name,
                                points=round(taken, 2),
                                short=_(" (%s not released yet)", round(target, 2))
                                if pending.get((order, card), 0.0) > 0
                                else _(" (%s already spent)", round(target - taken, 2))
                                if taken < target
                                else "",
                            ),
                            "used": taken,
                            "entry_type": "reversal",
                        }
                    )
                    card.points -= taken
