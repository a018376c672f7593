from odoo import api, fields, models

from .crm_loyalty_trigger import ACTIONS


class CrmLoyaltyTriggerLog(models.Model):
    _name = "crm.loyalty.trigger.log"
    _description = "Purchase-Triggered Reward Issued"
    _order = "date desc, id desc"

    trigger_id = fields.Many2one(
        "crm.loyalty.trigger", required=True, ondelete="cascade", index=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True, ondelete="cascade"
    )
    order_id = fields.Many2one("sale.order", readonly=True, index="btree_not_null")
    period_key = fields.Char(required=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    action = fields.Selection(ACTIONS, readonly=True)
    coupon_id = fields.Many2one("loyalty.card", string="Coupon", readonly=True)
    points = fields.Float(readonly=True)
    description = fields.Char(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)

    _sql_constraints = [
        (
            "one_reward_per_period",
            "UNIQUE(trigger_id, partner_id, period_key)",
            "A customer gets a reward at most once per trigger and period.",
        )
    ]

    @api.depends("trigger_id.name", "order_id.name")
    def _compute_display_name(self):
        # also what a points award made by a trigger shows as its "order" in the card's ledger
        for log in self:
            log.display_name = (
                f"{log.trigger_id.name} ({log.order_id.name})" if log.order_id else log.trigger_id.name
            )
