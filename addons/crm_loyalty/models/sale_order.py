from collections import defaultdict

from odoo import _, models

from .crm_loyalty_ledger import MIRROR_HISTORY, NO_RECONCILE, trusted


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _add_loyalty_history_lines(self):
        """Core writes the order's history line per card (points issued and used); the ledger
        mirrors each line with an award and a use entry pointing back at it, as core creates
        them (loyalty.history.create, on this path only)."""
        return super(SaleOrder, trusted(self, MIRROR_HISTORY))._add_loyalty_history_lines()

    def _update_loyalty_history(self, coupon_id, points):
        """Core adds a later use of points to the order's history line; the ledger records it
        as a use entry."""
        result = super()._update_loyalty_history(coupon_id, points)
        line = (
            self.env["loyalty.history"]
            .sudo()
            .search(
                [
                    ("card_id", "=", coupon_id.id),
                    ("order_model", "=", self._name),
                    ("order_id", "=", self.id),
                ],
                limit=1,
            )
        )
        trusted(self.env["crm.loyalty.ledger"]).create(
            {
                "card_id": coupon_id.id,
                "order_model": self._name,
                "order_id": self.id,
                "history_id": line.id,
                "description": line.description or _("Order %s", self.display_name),
                "used": points,
                "entry_type": "use",
            }
        )
        return result

    def _crm_mirror_history(self, lines):
        vals_list = []
        for line in lines:
            base = {
                "card_id": line.card_id.id,
                "order_model": line.order_model,
                "order_id": line.order_id,
                "history_id": line.id,
                "description": line.description,
            }
            if line.issued:
                vals_list.append(dict(base, issued=line.issued, entry_type="earn"))
            if line.used:
                vals_list.append(dict(base, used=line.used, entry_type="use"))
        if vals_list:
            trusted(self.env["crm.loyalty.ledger"]).create(vals_list)

    # ------------------------------------------------------------------ tier benefits

    @staticmethod
    def _crm_tier_allows(reward, coupon):
        """A tier's benefit rewards are for that tier and the ones above it."""
        tiers = coupon.program_id.tier_ids.filtered(lambda t: reward in t.reward_ids)
        if not tiers:
            return True
        needed = min(tiers.mapped("min_qualifying_points"))
        return bool(coupon.tier_id) and coupon.tier_id.min_qualifying_points >= needed

    def _get_claimable_rewards(self, forced_coupons=None):
        result = super()._get_claimable_rewards(forced_coupons=forced_coupons)
        for coupon in list(result):
            allowed = result[coupon].filtered(lambda r, c=coupon: self._crm_tier_allows(r, c))
            if allowed:
                result[coupon] = allowed
            else:
                del result[coupon]
        return result

    def _apply_program_reward(self, reward, coupon, **kwargs):
        if not self._crm_tier_allows(reward, coupon):
            tiers = coupon.program_id.tier_ids.filtered(lambda t: reward in t.reward_ids)
            return {"error": _("This reward is for %s members.", ", ".join(tiers.mapped("name")))}
        return super()._apply_program_reward(reward, coupon, **kwargs)

    def action_confirm(self):
        # two orders spending the same points: the second one fails cleanly instead of
        # overdrawing the card (core checks the balance right after, on fresh values)
        (self.order_line.coupon_id | self.applied_coupon_ids).sudo()._crm_lock()
        # core writes the order's history rows before it changes the balances: the ledger is
        # consistent by construction here, no need to reconcile each balance change
        result = super(SaleOrder, trusted(self, NO_RECONCILE)).action_confirm()
        self._crm_loyalty_after_confirm()
        return result

    def _crm_loyalty_after_confirm(self):
        Ledger = self.env["crm.loyalty.ledger"].sudo()
        earned = Ledger.search(
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
            if multiplier == 1.0 or row.is_tier_bonus:
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
                    "is_tier_bonus": True,
                }
            )
        if rows:
            trusted(self.env["crm.loyalty.ledger"]).create(rows)
            for card, extra in bonus.items():
                card.sudo().points += extra
        if "paid" in earned.card_id.program_id.mapped("earn_timing"):
            self._crm_hold_unpaid_points()
        earned.card_id.sudo().filtered("program_id.tier_ids")._crm_update_tiers()
        self.env["crm.loyalty.trigger"]._run_on_orders(self)

    # ------------------------------------------------------------------ earn when paid

    def _crm_pending_points(self):
        """{(order, card): points held back and not released yet} for programs that award
        points when the invoice is paid (the rule: `crm.loyalty.ledger._crm_held_points`)."""
        held = self.env["crm.loyalty.ledger"]._crm_held_points(
            [("order_model", "=", self._name), ("order_id", "in", self.ids)], ["order_id", "card_id"]
        )
        return defaultdict(
            float, {(self.browse(order_id), card): points for (order_id, card), points in held.items()}
        )

    def _crm_hold_unpaid_points(self):
        """Points of 'when the invoice is paid' programs are earned (the ledger says so) and
        held back at once by a 'pending' row, until the order's invoices are paid."""
        Ledger = self.env["crm.loyalty.ledger"].sudo()
        held = Ledger.search(
            [
                ("order_model", "=", self._name),
                ("order_id", "in", self.ids),
                ("entry_type", "=", "pending"),
            ]
        )
        done = {(row.order_id, row.card_id) for row in held}
        to_hold = defaultdict(float)
        for row in Ledger.search(
            [
                ("order_model", "=", self._name),
                ("order_id", "in", self.ids),
                ("entry_type", "=", "earn"),
                ("issued", ">", 0),
                ("crm_released", "=", False),
                ("card_id.program_id.earn_timing", "=", "paid"),
            ]
        ):
            if (row.order_id, row.card_id) not in done:
                to_hold[row.order_id, row.card_id] += row.issued
        if not to_hold:
            return
        trusted(Ledger).create(
            [
                {
                    "card_id": card.id,
                    "order_model": self._name,
                    "order_id": order_id,
                    "description": _("Pending until the invoice of %s is paid", self.browse(order_id).name),
                    "used": points,
                    "entry_type": "pending",
                }
                for (order_id, card), points in to_hold.items()
            ]
        )
        for (_order_id, card), points in to_hold.items():
            trusted(card, NO_RECONCILE).points -= points

    def _crm_release_paid_points(self):
        """Release the held-back points of the orders whose posted invoices are all paid, less
        what credit notes already took back while they were pending."""
        Ledger = self.env["crm.loyalty.ledger"].sudo()
        pending = {key: points for key, points in self._crm_pending_points().items() if points > 0}
        if not pending:
            return
        reversed_points = defaultdict(float)
        for row in Ledger.search(
            [
                ("entry_type", "=", "reversal"),
                ("crm_reversed_order_id", "in", [order.id for order, _card in pending]),
            ]
        ):
            reversed_points[row.crm_reversed_order_id, row.card_id] += row.crm_reversed_points - row.used
        vals_list = []
        for (order, card), points in pending.items():
            invoices = order.invoice_ids.filtered(
                lambda m: m.state == "posted" and m.move_type == "out_invoice"
            )
            if (
                order.state != "sale"
                or not invoices
                or any(inv.payment_state not in ("paid", "in_payment") for inv in invoices)
            ):
                continue
            release = max(points - reversed_points.get((order, card), 0.0), 0.0)
            vals_list.append(
                {
                    "card_id": card.id,
                    "order_model": self._name,
                    "order_id": order.id,
                    "description": _("Released: invoice of %s paid", order.name),
                    "issued": release,
                    "entry_type": "earn",
                    "crm_released": True,
                    "crm_pending_closed": points,
                }
            )
            # closes the pending amount even when a credit note took all of it back
            card.sudo()._crm_lock()
            trusted(card, NO_RECONCILE).points += release
        if vals_list:
            trusted(Ledger).create(vals_list)
            cards = self.env["loyalty.card"].browse([v["card_id"] for v in vals_list])
            cards._crm_update_tiers()

    def _action_cancel(self):
        """Core deletes the order's history lines and gives back the points it changed; the
        ledger drops the order's entries (award, use, tier bonus, payment hold and release) the
        same way, and the points held back or added as a tier bonus are settled here."""
        confirmed = self.filtered(lambda o: o.state == "sale")
        Ledger = trusted(self.env["crm.loyalty.ledger"].sudo())
        entries = Ledger.search([("order_model", "=", self._name), ("order_id", "in", confirmed.ids)])
        bonus = defaultdict(float)
        for entry in entries.filtered("is_tier_bonus"):
            bonus[entry.card_id] += entry.issued
        held = confirmed._crm_pending_points()
        result = super(SaleOrder, trusted(self, NO_RECONCILE))._action_cancel()
        for card, extra in bonus.items():
            trusted(card.sudo(), NO_RECONCILE).points -= extra
        # core takes back what the order gave; points held back were never given
        for (_order, card), points in held.items():
            if points:
                trusted(card.sudo(), NO_RECONCILE).points += points
        cards = entries.card_id
        entries.unlink()
        # anything else that changed these balances meanwhile is recorded, not lost
        cards._crm_reconcile_ledger(_("Balance change"))
        return result
