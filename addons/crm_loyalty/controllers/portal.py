from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import request

HISTORY_ROWS = 20


class CrmLoyaltyPortal(CustomerPortal):
    """/my/loyalty: tier, progress, balance, expiring points, history and coupons of the
    logged-in customer. Portal users have no access to loyalty models: records are read
    with sudo, always filtered on the user's own partner (like core's loyalty portal)."""

    def _crm_loyalty_partners(self):
        partner = request.env.user.partner_id
        return partner | partner.commercial_partner_id

    def _crm_loyalty_cards(self, program_types):
        today = fields.Date.context_today(request.env.user)
        return (
            request.env["loyalty.card"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self._crm_loyalty_partners().ids),
                    ("active", "=", True),
                    ("program_id.active", "=", True),
                    ("program_id.program_type", "in", program_types),
                    "|",
                    ("expiration_date", "=", False),
                    ("expiration_date", ">=", today),
                ],
                order="program_id, id",
            )
        )

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "crm_loyalty_count" in counters:
            values["crm_loyalty_count"] = len(self._crm_loyalty_cards(["loyalty"]))
        return values

    @http.route("/my/loyalty", type="http", auth="user", website=True)
    def portal_my_loyalty(self, **kw):
        cards = self._crm_loyalty_cards(["loyalty"])
        coupons = self._crm_loyalty_cards(
            ["coupons", "gift_card", "ewallet", "promotion", "next_order_coupons"]
        )
        history = {
            card.id: request.env["crm.loyalty.ledger"]
            .sudo()
            .search([("card_id", "=", card.id)], order="date desc, id desc", limit=HISTORY_ROWS)
            for card in cards
        }
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "crm_loyalty",
                "cards": cards,
                "coupons": coupons.filtered(lambda c: c.points > 0),
                "history": history,
                "pending": {card.id: card._crm_pending_total() for card in cards},
            }
        )
        return request.render("crm_loyalty.portal_my_loyalty", values)
