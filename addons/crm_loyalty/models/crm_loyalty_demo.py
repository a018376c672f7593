from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

from ..hooks import DEMO_STORY_PREFIX
from .crm_loyalty_ledger import trusted


class CrmLoyaltyDemo(models.AbstractModel):
    """Steps of the demo story (demo/loyalty_demo.xml calls them with <function>): the story's
    documents go through Odoo's own flows, so every screen and the portal show a ledger that
    adds up. Each document gets an XML id of this addon (prefix DEMO_STORY_PREFIX) for the
    next steps to refer to and for the uninstall to remove exactly the story's documents.
    Nothing here is reachable over JSON-RPC (private methods) nor used by the business flows."""

    _name = "crm.loyalty.demo"
    _description = "Loyalty demo story"

    def _story_xmlids(self, name, records):
        self.env["ir.model.data"]._update_xmlids(
            [
                {
                    "xml_id": f"crm_loyalty.{DEMO_STORY_PREFIX}{name}" + (f"_{record.id}" if i else ""),
                    "record": record,
                    "noupdate": True,
                }
                for i, record in enumerate(records.sorted("id"))
            ]
        )

    @api.model
    def _story_order(self, name, partner_id, product_id, qty, redeem_program_id=False):
        """A confirmed order of `qty` units, spending points for the first reward of
        `redeem_program_id` if given; the cards it creates for the customer belong to the
        story too."""
        partner = self.env["res.partner"].browse(partner_id)
        Card = self.env["loyalty.card"]
        cards_before = Card.search([("partner_id", "=", partner.id)])
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": product_id, "product_uom_qty": qty})],
            }
        )
        order._update_programs_and_rewards()
        if redeem_program_id:
            reward = self.env["loyalty.program"].browse(redeem_program_id).reward_ids[:1]
            card = Card.search([("partner_id", "=", partner.id), ("program_id", "=", redeem_program_id)])
            order._apply_program_reward(reward, card)
        order.action_confirm()
        self._story_xmlids(name, order)
        new_cards = Card.search([("partner_id", "=", partner.id)]) - cards_before
        if new_cards:
            self._story_xmlids(f"{name}_card", new_cards)
        return order.id

    @api.model
    def _backdate_award(self, order_id, days_ago, expires_in_days):
        """The order's award as if earned `days_ago` days ago, expiring in `expires_in_days`
        (what the redemption and the refund leave of it shows as expiring soon). Written
        through the ORM by the ledger's own trusted path: caches and computed fields follow."""
        today = fields.Date.context_today(self)
        awards = self.env["crm.loyalty.ledger"].search(
            [("order_model", "=", "sale.order"), ("order_id", "=", order_id), ("issued", ">", 0)]
        )
        trusted(awards).write(
            {
                "date": today - relativedelta(days=days_ago),
                "expiry_date": today + relativedelta(days=expires_in_days),
            }
        )

    @api.model
    def _invoice_and_refund(self, name, order_id, refund_qty):
        """The order invoiced, then `refund_qty` units of its product credited (the points
        they earned are taken back). Skipped without a sales journal (no chart of accounts)."""
        if not self.env["account.journal"].search([("type", "=", "sale")], limit=1):
            return False
        order = self.env["sale.order"].browse(order_id)
        invoice = order._create_invoices()
        invoice.action_post()
        refund = invoice._reverse_moves()
        products = order.order_line.filtered(lambda line: not line.is_reward_line).product_id
        refund.invoice_line_ids.filtered(lambda line: line.product_id in products).quantity = refund_qty
        refund.action_post()
        self._story_xmlids(f"{name}_invoice", invoice)
        self._story_xmlids(f"{name}_refund", refund)
        return refund.id
