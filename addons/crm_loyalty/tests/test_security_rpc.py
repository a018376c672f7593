"""The loyalty ledger, tiers, triggers and adjustments attacked over JSON-RPC, as every kind of
user can call them from a browser (issue 10). After the attacks the crons run and the
victims' balances, tiers and ledger must be exactly what they were."""

from odoo import Command
from odoo.addons.crm_extended.tests.rpc import RpcAttackCase
from odoo.tests import Form, tagged
from odoo.tests.common import JsonRpcException

from .common import LoyaltyFixtures

# context keys that used to grant a skipped check or a bookkeeping value: a client may send
# them, they must change nothing any more
FORGED_CONTEXT = {
    "crm_loyalty_ledger": True,
    "crm_loyalty_no_reconcile": True,
    "crm_loyalty_entry_type": "pending",
    "crm_loyalty_trusted_ledger": True,
    "crm_loyalty_trusted_no_reconcile": True,
}


@tagged("post_install", "-at_install")
class TestLoyaltySecurityRpc(LoyaltyFixtures, RpcAttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, loyalty_no_mail=True))
        cls.make_user("loyalty_manager", "crm_loyalty.group_crm_loyalty_manager")
        cls.make_user("loyalty_user", "crm_loyalty.group_crm_loyalty_user")
        cls.program = cls.make_program("RPC Club")
        cls.silver, cls.gold = cls.make_tiers(cls.program, gold_multiplier=1)
        cls.product = cls.env["product.product"].create(
            {"name": "RPC Tea", "list_price": 1.0, "type": "consu", "taxes_id": False}
        )
        cls.victim = cls.env["res.partner"].create({"name": "Victim Customer"})
        cls.bystander = cls.env["res.partner"].create({"name": "Bystander Customer"})
        cls.attacker = cls.users["portal"].partner_id
        cls.order(cls.victim, 300)
        cls.order(cls.bystander, 200)
        cls.order(cls.attacker, 150)
        cls.attacker_order = cls.order(cls.attacker, 100)
        cls.victim_card = cls.card_of(cls.victim)
        cls.bystander_card = cls.card_of(cls.bystander)
        cls.attacker_card = cls.card_of(cls.attacker)
        cls.trigger = cls.env["crm.loyalty.trigger"].create(
            {
                "name": "RPC birthday points",
                "condition": "birthday",
                "action": "points",
                "program_id": cls.program.id,
                "points": 10,
            }
        )
        # another company's program and card
        cls.program_b = (
            cls.env["loyalty.program"]
            .with_company(cls.company_b)
            .create(
                {
                    "name": "Club B",
                    "program_type": "loyalty",
                    "company_id": cls.company_b.id,
                    "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
                    "reward_ids": [Command.create({"reward_type": "discount", "required_points": 10})],
                }
            )
        )
        cls.card_b = cls.env["loyalty.card"].create(
            {"program_id": cls.program_b.id, "partner_id": cls.victim.id, "points": 40}
        )

    @classmethod
    def order(cls, partner, amount):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": amount, "price_unit": 1})
                ],
            }
        )
        order._update_programs_and_rewards()
        order.action_confirm()
        return order

    @classmethod
    def card_of(cls, partner):
        return cls.env["loyalty.card"].search(
            [("partner_id", "=", partner.id), ("program_id", "=", cls.program.id)]
        )

    def snapshot(self):
        self.env.invalidate_all()
        cards = self.victim_card | self.attacker_card | self.bystander_card | self.card_b
        return {
            card.id: (
                card.points,
                card.tier_id.id,
                len(card.crm_ledger_ids),
                sum(card.crm_ledger_ids.mapped("issued")),
            )
            for card in cards
        }

    def assert_ledgers_hold(self):
        cards = self.env["loyalty.card"].search([("program_id", "in", (self.program | self.program_b).ids)])
        self.assertFalse(cards._crm_ledger_mismatches(), "every balance equals its ledger")

    def run_crons(self):
        """What the attacks aimed at: the expiry cron, the attacker cancelling his own order,
        the tier review."""
        Card = self.env["loyalty.card"]
        Card._cron_expire_points()
        self.attacker_order._action_cancel()
        Card._cron_review_tiers()
        self.env["crm.loyalty.trigger"]._cron_run_triggers()
        self.env.invalidate_all()

    # ------------------------------------------------------------------ finding 1: ledger rows

    def test_forged_ledger_rows_are_refused_and_the_crons_change_nothing(self):
        before = self.snapshot()
        self.assertEqual(before[self.victim_card.id][:2], (300, self.silver.id))
        self.assertEqual(before[self.attacker_card.id][:2], (250, self.silver.id))
        victim, mine = self.victim_card.id, self.attacker_card.id
        past = "2000-01-01"
        # the attack of the issue: a row that makes the expiry cron take 1,000,000 points
        expiry_bomb = {
            "card_id": victim,
            "description": "x",
            "issued": 1_000_000,
            "remaining_points": 1_000_000,
            "expiry_date": past,
        }
        attacks = [
            # (who, values, context)
            ("portal", expiry_bomb, None),
            ("portal", expiry_bomb, FORGED_CONTEXT),
            ("portal", {"card_id": mine, "description": "x", "issued": 5000}, None),
            ("employee", expiry_bomb, None),
            ("employee", {"card_id": mine, "description": "x", "issued": 5000}, FORGED_CONTEXT),
            ("service", expiry_bomb, None),
            ("other_company", {"card_id": victim, "description": "x", "issued": 0}, None),
            # a salesperson may record history rows as in core, never the ledger's bookkeeping
            ("salesman", expiry_bomb, None),
            ("salesman", {"card_id": victim, "description": "x", "expiry_date": past}, None),
            ("salesman", {"card_id": victim, "description": "x", "remaining_points": 1e6}, None),
            ("salesman", {"card_id": victim, "description": "x", "entry_type": "expire", "used": 0}, None),
            ("salesman", {"card_id": mine, "description": "x", "date": past}, None),
            (
                "salesman",
                {"card_id": mine, "description": "x", "entry_type": "pending", "used": 0},
                FORGED_CONTEXT,
            ),
            ("salesman", {"card_id": mine, "description": "x", "is_tier_bonus": True}, None),
            (
                "salesman",
                {"card_id": mine, "description": "x", "crm_reversed_order_id": self.attacker_order.id},
                None,
            ),
            ("salesman", {"card_id": mine, "description": "x", "crm_released": True}, None),
            ("salesman", {"card_id": mine, "description": "x", "crm_pending_closed": 5000}, None),
            ("salesman", {"card_id": mine, "description": "x", "crm_reversed_points": 5000}, None),
            ("salesman", {"card_id": mine, "description": "x", "partner_id": self.victim.id}, None),
            ("salesman", {"card_id": mine, "description": "x", "program_id": self.program_b.id}, None),
            (
                "salesman",
                {
                    "card_id": mine,
                    "description": "x",
                    "issued": -4900,
                    "order_model": "sale.order",
                    "order_id": self.attacker_order.id,
                },
                None,
            ),
            (
                "salesman",
                {"card_id": mine, "description": "x", "order_model": "account.move", "order_id": 1},
                None,
            ),
            (
                "salesman",
                {
                    "card_id": mine,
                    "description": "x",
                    "order_model": "crm.loyalty.trigger.log",
                    "order_id": 1,
                },
                None,
            ),
            ("salesman", {"card_id": mine, "description": "x", "issued": -4900}, None),
            ("salesman", {"card_id": victim, "description": "x", "used": -5000}, None),
            ("salesman", {"card_id": self.card_b.id, "description": "x"}, None),
            ("loyalty_manager", {"card_id": victim, "description": "x", "remaining_points": 1e6}, None),
            ("sales_admin", {"card_id": victim, "description": "x", "expiry_date": past}, FORGED_CONTEXT),
        ]
        for who, vals, context in attacks:
            with self.subTest(who=who, vals=vals, context=context):
                self.assertRpcRefused(who, "crm.loyalty.ledger", "create", [vals], context=context)
        # a salesperson states no points by hand, not even a plain row: a row that moves no
        # balance would later expire or be reversed as if it were real points
        for vals in (
            {"card_id": victim, "description": "x", "issued": 1000},
            {"card_id": mine, "description": "x", "issued": 1000},
            {"card_id": mine, "description": "note", "issued": 0, "used": 0},
        ):
            with self.subTest(vals=vals):
                self.assertRpcRefused("salesman", "crm.loyalty.ledger", "create", [vals])
        # nobody writes ledger entries by hand, not even a Loyalty Manager with forged keys:
        # he adjusts a balance with the adjustment wizard (or core's balance update)
        for who in ("loyalty_manager", "sales_admin"):
            with self.subTest(who=who):
                self.assertRpcRefused(
                    who,
                    "crm.loyalty.ledger",
                    "create",
                    [{"card_id": mine, "description": "note", "issued": 0, "used": 0}],
                    context=FORGED_CONTEXT,
                )
        # core's history stays core's: a salesperson may write a line there as in core, which
        # moves no balance and no ledger entry (the ledger follows the balances, not core's lines)
        ledger_before = self.env["crm.loyalty.ledger"].search_count([])
        self.rpc(
            "salesman",
            "loyalty.history",
            "create",
            [{"card_id": mine, "description": "x", "issued": 1000}],
            context=FORGED_CONTEXT,
        )
        self.assertEqual(self.env["crm.loyalty.ledger"].search_count([]), ledger_before)
        self.run_crons()
        after = self.snapshot()
        self.assertEqual(
            after[self.victim_card.id][:2], (300, self.silver.id), "the victim keeps his points and tier"
        )
        self.assertEqual(
            after[self.attacker_card.id][:2],
            (150, self.silver.id),
            "cancelling the attacker's order takes back its 100 points, no more, no less",
        )
        self.assertEqual(after[self.bystander_card.id], before[self.bystander_card.id])
        self.assertEqual(after[self.card_b.id], before[self.card_b.id])
        self.assert_ledgers_hold()

    # ------------------------------------------------------------------ finding 8: immutability

    def test_ledger_rows_cannot_be_rewritten_whatever_the_context(self):
        before = self.snapshot()
        row = self.victim_card.crm_ledger_ids.filtered(lambda h: h.issued > 0)[:1]
        attacks = [
            ("salesman", {"issued": 5000}, None),
            ("salesman", {"issued": 5000}, FORGED_CONTEXT),
            ("salesman", {"remaining_points": 0}, FORGED_CONTEXT),
            ("salesman", {"description": "mine now"}, FORGED_CONTEXT),
            ("loyalty_manager", {"used": 300}, FORGED_CONTEXT),
            ("sales_admin", {"expiry_date": "2000-01-01"}, FORGED_CONTEXT),
            ("portal", {"issued": 5000}, FORGED_CONTEXT),
            ("employee", {"issued": 5000}, FORGED_CONTEXT),
            ("other_company", {"description": "x"}, FORGED_CONTEXT),
        ]
        for who, vals, context in attacks:
            with self.subTest(who=who, vals=vals):
                self.assertRpcRefused(who, "crm.loyalty.ledger", "write", [row.ids, vals], context=context)
        for who in ("salesman", "loyalty_manager", "sales_admin", "portal"):
            with self.subTest(who=who, method="unlink"):
                self.assertRpcRefused(who, "crm.loyalty.ledger", "unlink", [row.ids], context=FORGED_CONTEXT)
        # a Loyalty Manager may still correct a description, and only that
        self.rpc("loyalty_manager", "crm.loyalty.ledger", "write", [row.ids, {"description": "Corrected"}])
        self.env.invalidate_all()
        self.assertEqual(row.description, "Corrected")
        self.run_crons()
        after = self.snapshot()
        self.assertEqual(after[self.victim_card.id], before[self.victim_card.id])
        self.assert_ledgers_hold()

    def test_no_reconcile_key_from_a_client_keeps_the_ledger_whole(self):
        """A salesperson may change a balance as in core (card write, core's Update Balance);
        a forged 'no reconcile' key must not leave that change out of the ledger."""
        self.rpc(
            "salesman",
            "loyalty.card",
            "write",
            [self.bystander_card.ids, {"points": 999}],
            context=FORGED_CONTEXT,
        )
        self.env.invalidate_all()
        self.assertEqual(self.bystander_card.points, 999)
        adjust = self.bystander_card.crm_ledger_ids.filtered(lambda h: h.entry_type == "adjust")
        self.assertEqual(adjust.issued, 799)
        self.assert_ledgers_hold()

    def test_private_methods_cannot_be_called(self):
        before = self.snapshot()
        attacks = [
            ("salesman", "loyalty.card", "_cron_expire_points", []),
            ("salesman", "loyalty.card", "_cron_review_tiers", []),
            ("loyalty_manager", "loyalty.card", "_crm_replay_ledger", [self.victim_card.ids]),
            ("salesman", "loyalty.card", "_crm_reconcile_ledger", [self.victim_card.ids, "x"]),
            ("portal", "crm.loyalty.demo", "_story_order", ["x", self.attacker.id, self.product.id, 1000]),
            ("salesman", "crm.loyalty.demo", "_backdate_award", [self.attacker_order.id, 400, -1]),
            ("salesman", "crm.loyalty.trigger", "_cron_run_triggers", []),
            ("loyalty_manager", "crm.loyalty.ledger", "_crm_consume", [[]]),
            ("salesman", "sale.order", "_crm_release_paid_points", [self.attacker_order.ids]),
        ]
        for who, model, method, args in attacks:
            with self.subTest(who=who, method=method):
                self.assertRpcRefused(who, model, method, args)
        self.assertEqual(self.snapshot(), before)

    # ------------------------------------------------------------------ adjustments: core's wizard

    def adjust(self, who, card, points, reason="RPC", context=None):
        """Core's Update Balance, as a browser calls it: by points to add or take away."""
        self.env.invalidate_all()
        wizard_id = self.rpc(
            who,
            "loyalty.card.update.balance",
            "create",
            [{"card_id": card.id, "new_balance": card.points + points, "description": reason}],
            context=context,
        )
        return self.rpc(
            who, "loyalty.card.update.balance", "action_update_card_point", [[wizard_id]], context=context
        )

    def test_core_balance_wizard_checks_group_company_reason_and_bounds(self):
        before = self.snapshot()
        attacks = [
            ("salesman", self.victim_card, 1000, "RPC"),
            ("salesman", self.victim_card, 1000, "RPC", FORGED_CONTEXT),
            ("loyalty_user", self.victim_card, 1000, "RPC"),
            ("employee", self.victim_card, 1000, "RPC"),
            ("portal", self.attacker_card, 1000, "RPC"),
            ("loyalty_manager", self.card_b, 1000, "RPC"),  # a card of a company he does not work in
            ("other_company", self.victim_card, -300, "RPC"),
            ("loyalty_manager", self.victim_card, 1e12, "RPC"),  # out of bounds
            ("loyalty_manager", self.victim_card, -301, "RPC"),  # below zero
            ("loyalty_manager", self.victim_card, 10, " "),  # no reason
        ]
        for who, card, points, reason, *context in attacks:
            with self.subTest(who=who, card=card.display_name, points=points, reason=reason):
                with self.assertRaises(JsonRpcException) as caught:
                    self.adjust(who, card, points, reason, context=context[0] if context else None)
                self.assertIn(
                    str(caught.exception),
                    (
                        "odoo.exceptions.AccessError",
                        "odoo.exceptions.UserError",
                        "odoo.exceptions.ValidationError",
                    ),
                )
                self.env.invalidate_all()
        for who in ("salesman", "loyalty_user", "employee", "portal"):
            with self.subTest(who=who, method="action_loyalty_update_balance"):
                self.assertRpcRefused(
                    who, "loyalty.card", "action_loyalty_update_balance", [self.victim_card.ids]
                )
        self.assertEqual(self.snapshot(), before)
        # the legitimate use: a Loyalty Manager, and a Sales Administrator (core's program
        # manager), adjust a card of their company; each adjustment is one ledger entry with
        # its reason, pointing at core's history line
        self.adjust("loyalty_manager", self.bystander_card, 25, "Goodwill")
        self.adjust("sales_admin", self.bystander_card, -5, "Correction")
        self.env.invalidate_all()
        self.assertEqual(self.bystander_card.points, 220)
        adjusts = self.bystander_card.crm_ledger_ids.filtered(lambda e: e.entry_type == "adjust")
        self.assertEqual(
            sorted((e.description, e.issued, e.used, e.history_id.description) for e in adjusts),
            [("Correction", 0, 5, "Correction"), ("Goodwill", 25, 0, "Goodwill")],
        )
        self.assert_ledgers_hold()

    def test_the_parallel_adjustment_wizard_is_gone(self):
        self.assertNotIn("crm.loyalty.adjust.wizard", self.env)
        with self.assertRaises(JsonRpcException) as caught:
            self.rpc("loyalty_manager", "crm.loyalty.adjust.wizard", "create", [{}])
        self.assertEqual(str(caught.exception), "werkzeug.exceptions.NotFound", "no such model any more")

    # ------------------------------------------------------------------ groups (item 7 of the issue)

    def test_sales_admin_adds_a_tier_to_a_program(self):
        tier = {"name": "Platinum", "min_qualifying_points": 5000, "earn_multiplier": 3}
        self.rpc(
            "sales_admin",
            "loyalty.program",
            "write",
            [self.program.ids, {"tier_ids": [Command.create(tier)]}],
        )
        self.env.invalidate_all()
        self.assertIn("Platinum", self.program.tier_ids.mapped("name"))
        for who in ("salesman", "loyalty_user", "employee", "portal", "other_company"):
            with self.subTest(who=who):
                self.assertRpcRefused(
                    who,
                    "loyalty.program",
                    "write",
                    [
                        self.program.ids,
                        {"tier_ids": [Command.create(dict(tier, name=who, min_qualifying_points=7))]},
                    ],
                )
                self.assertRpcRefused(
                    who, "crm.loyalty.tier", "write", [self.gold.ids, {"min_qualifying_points": 1}]
                )
        self.assertEqual(self.gold.min_qualifying_points, 500)
        self.assertTrue(self.users["sales_admin"].has_group("crm_loyalty.group_crm_loyalty_manager"))

    def test_sales_admin_adds_a_tier_through_the_program_form(self):
        with Form(self.program.with_user(self.users["sales_admin"])) as form:
            with form.tier_ids.new() as tier:
                tier.name = "Diamond"
                tier.min_qualifying_points = 9000
        self.assertIn("Diamond", self.program.tier_ids.mapped("name"))

    # ------------------------------------------------------------------ bounds (finding 9)

    def test_settings_out_of_bounds_are_refused(self):
        attacks = [
            ("loyalty.program", self.program, {"points_validity_months": 120_000}),
            ("loyalty.program", self.program, {"qualifying_window_months": 2_000_000_000}),
            ("loyalty.program", self.program, {"qualifying_window_months": 0}),
            ("loyalty.program", self.program, {"tier_grace_days": 2_000_000_000}),
            ("loyalty.program", self.program, {"expiry_warning_days": -1}),
            ("loyalty.program", self.program, {"crm_point_value": 1e15}),
            ("crm.loyalty.tier", self.gold, {"earn_multiplier": 1e9}),
            ("crm.loyalty.tier", self.gold, {"min_qualifying_points": 1e15}),
            ("crm.loyalty.trigger", self.trigger, {"points": 1e12}),
            ("crm.loyalty.trigger", self.trigger, {"order_count": 2_000_000_000}),
            ("crm.loyalty.trigger", self.trigger, {"period_days": 2_000_000_000}),
            ("crm.loyalty.trigger", self.trigger, {"days": -5}),
            ("crm.loyalty.trigger", self.trigger, {"amount": 1e18}),
        ]
        for model, record, vals in attacks:
            with self.subTest(model=model, vals=vals):
                error = self.assertRpcRefused("sales_admin", model, "write", [record.ids, vals])
                self.assertEqual(str(error), "odoo.exceptions.ValidationError")
        # orders and the tier review still work with the settings that were kept
        self.order(self.victim, 10)
        self.env["loyalty.card"]._cron_review_tiers()
        self.assertEqual(self.victim_card.points, 310)

    # ------------------------------------------------------------------ reads (finding 10)

    def test_portal_and_employees_read_no_loyalty_internals(self):
        own = self.attacker.id
        reads = [
            ("portal", "crm.loyalty.ledger", "search_read", [[("card_id", "=", self.attacker_card.id)]]),
            ("portal", "crm.loyalty.ledger", "search_read", [[]]),
            ("portal", "loyalty.card", "search_read", [[]]),
            ("portal", "crm.loyalty.tier", "search_read", [[]]),
            ("portal", "crm.loyalty.trigger", "search_read", [[]]),
            ("portal", "crm.loyalty.trigger.log", "search_read", [[]]),
            ("portal", "crm.loyalty.report", "search_read", [[]]),
            ("portal", "res.partner", "read", [[own], ["loyalty_points"]]),
            ("portal", "res.partner", "read", [[own], ["loyalty_tier_id"]]),
            ("portal", "res.partner", "read", [[own], ["crm_loyalty_card_ids"]]),
            ("employee", "crm.loyalty.ledger", "search_read", [[]]),
            ("employee", "crm.loyalty.tier", "search_read", [[]]),
            ("employee", "crm.loyalty.trigger.log", "search_read", [[]]),
            ("employee", "res.partner", "read", [[self.victim.id], ["loyalty_points"]]),
            ("service", "crm.loyalty.ledger", "search_read", [[]]),
            ("salesman", "crm.loyalty.trigger", "action_run_now", [self.trigger.ids]),
            ("loyalty_user", "crm.loyalty.trigger", "action_run_now", [self.trigger.ids]),
            ("other_company", "crm.loyalty.trigger", "action_run_now", [self.trigger.ids]),
        ]
        for who, model, method, args in reads:
            with self.subTest(who=who, model=model, method=method, args=args):
                self.assertRpcRefused(who, model, method, args)
        # another company's users see none of this company's ledger, tiers or triggers
        for model, domain in (
            ("crm.loyalty.ledger", [("card_id", "=", self.victim_card.id)]),
            ("crm.loyalty.tier", [("program_id", "=", self.program.id)]),
            ("crm.loyalty.trigger", [("id", "=", self.trigger.id)]),
        ):
            with self.subTest(model=model):
                self.assertEqual(
                    self.rpc("other_company", model, "search_read", [domain], {"fields": ["id"]}), []
                )
        # the customer sees his own card on his portal page
        self.authenticate("rpc_portal", "rpc_portal")
        page = self.url_open("/my/loyalty")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Silver", page.text)
