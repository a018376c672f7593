from odoo import Command
from odoo.tests import TransactionCase


class LoyaltyFixtures:
    """Fixtures shared by the loyalty tests, whatever their base class (TransactionCase,
    RpcAttackCase): a points program (1 point per currency unit, 10 % off for 50 points, points
    valid 12 months) and its Silver (100) and Gold (500) tiers."""

    @classmethod
    def make_program(cls, name="Club Test"):
        return cls.env["loyalty.program"].create(
            {
                "name": name,
                "program_type": "loyalty",
                "applies_on": "both",
                "trigger": "auto",
                "points_validity_months": 12,
                "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 10,
                            "discount_mode": "per_order",
                            "required_points": 50,
                        }
                    )
                ],
            }
        )

    @classmethod
    def make_tiers(cls, program, gold_multiplier=2):
        return cls.env["crm.loyalty.tier"].create(
            [
                {
                    "program_id": program.id,
                    "name": "Silver",
                    "min_qualifying_points": 100,
                    "earn_multiplier": 1,
                },
                {
                    "program_id": program.id,
                    "name": "Gold",
                    "min_qualifying_points": 500,
                    "earn_multiplier": gold_multiplier,
                },
            ]
        )


class LoyaltyCase(LoyaltyFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, loyalty_no_mail=True))
        cls.program = cls.make_program()
        cls.silver, cls.gold = cls.make_tiers(cls.program)
        cls.product = cls.env["product.product"].create(
            {"name": "Tea", "list_price": 100.0, "type": "consu", "taxes_id": False}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Layla Loyal", "email": "layla@example.com"})

    def order(self, amount, confirm=True):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": amount}
                    )
                ],
            }
        )
        if confirm:
            order._update_programs_and_rewards()
            order.action_confirm()
        return order

    def card(self):
        return self.env["loyalty.card"].search(
            [("partner_id", "=", self.customer.id), ("program_id", "=", self.program.id)]
        )

    def assert_ledger_consistent(self, card):
        self.assertFalse(card._crm_ledger_mismatches(), "points must equal issued - used of the ledger")
