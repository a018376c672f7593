"""Issue 10 findings where JSON-RPC is not the point: partner merges, the company of triggers
and crons, the expiry cron's floor, the uninstall hook."""

from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..hooks import uninstall_hook
from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestLoyaltySecurity(LoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Trigger = cls.env["crm.loyalty.trigger"]
        cls.company_b = cls.env["res.company"].create({"name": "Loyalty Company B"})

    def coupon_program(self, name, company=None):
        return self.env["loyalty.program"].create(
            {
                "name": name,
                "program_type": "coupons",
                "company_id": company.id if company is not None else self.env.company.id,
                "reward_ids": [Command.create({"reward_type": "discount", "discount": 10})],
            }
        )

    def coupons(self, program, partner):
        return self.env["loyalty.card"].search(
            [("program_id", "=", program.id), ("partner_id", "=", partner.id)]
        )

    def set_rfm(self, partner, segment):
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_partner SET rfm_segment = %s WHERE id = %s", [segment, partner.id])
        self.env["res.partner"].invalidate_model(["rfm_segment"])

    # ------------------------------------------------------------------ finding 4: merges

    def test_merging_duplicates_keeps_the_reward_history(self):
        """The duplicate got a once-per-customer reward; both got this month's birthday reward
        (a clash on the log's unique key). After the merge, the remaining customer keeps both
        histories and the once-per-customer reward is not issued again."""
        once_coupons = self.coupon_program("Once coupons")
        month_coupons = self.coupon_program("Birthday coupons")
        once = self.Trigger.create(
            {
                "name": "Once at risk",
                "condition": "rfm_segment",
                "rfm_segment": "at_risk",
                "action": "coupon",
                "coupon_program_id": once_coupons.id,
                "period": "once",
            }
        )
        monthly = self.Trigger.create(
            {
                "name": "Birthday",
                "condition": "birthday",
                "action": "coupon",
                "coupon_program_id": month_coupons.id,
                "period": "month",
            }
        )
        day = date(2027, 5, 10)
        keeper, duplicate = self.env["res.partner"].create(
            [
                {"name": "Nadia Keeper", "email": "nadia@example.com", "crm_birthday": date(1990, 5, 10)},
                {"name": "Nadia Duplicate", "email": "nadia@example.com", "crm_birthday": date(1990, 5, 10)},
            ]
        )
        self.set_rfm(duplicate, "at_risk")
        self.Trigger._cron_run_triggers(today=day)
        self.assertIn(duplicate, once.log_ids.partner_id)
        self.assertNotIn(keeper, once.log_ids.partner_id)
        self.assertEqual(monthly.log_ids.partner_id, keeper | duplicate)

        self.env["base.partner.merge.automatic.wizard"]._merge((keeper | duplicate).ids, keeper)
        self.assertFalse(duplicate.exists())
        once.invalidate_recordset()
        monthly.invalidate_recordset()
        mine = once.log_ids.filtered(lambda log: log.partner_id == keeper)
        self.assertEqual(len(mine), 1, "the duplicate's once-per-customer reward is kept")
        self.assertEqual(len(monthly.log_ids), 2, "both birthday rewards stay in the history")
        self.assertEqual(monthly.log_ids.partner_id, keeper)
        self.assertIn("2027-05", monthly.log_ids.mapped("period_key"), "the period key is kept")

        self.set_rfm(keeper, "at_risk")
        self.Trigger._cron_run_triggers(today=day)
        self.assertEqual(once.log_ids.filtered(lambda log: log.partner_id == keeper), mine)
        self.assertEqual(len(self.coupons(once_coupons, keeper)), 1, "no second once-per-customer coupon")
        self.assertEqual(len(self.coupons(month_coupons, keeper)), 2, "no third birthday coupon either")

    # ------------------------------------------------------------------ finding 7: companies

    def test_birthday_trigger_rewards_only_its_company_customers(self):
        trigger = self.Trigger.create(
            {
                "name": "Birthday A",
                "condition": "birthday",
                "action": "coupon",
                "coupon_program_id": self.coupon_program("Coupons A").id,
                "period": "year",
            }
        )
        self.assertEqual(trigger.company_id, self.env.company)
        birthday = date(1985, 7, 14)
        of_a, shared, of_b = self.env["res.partner"].create(
            [
                {"name": "Customer of A", "crm_birthday": birthday, "company_id": self.env.company.id},
                {"name": "Shared customer", "crm_birthday": birthday},
                {"name": "Customer of B", "crm_birthday": birthday, "company_id": self.company_b.id},
            ]
        )
        self.Trigger._cron_run_triggers(today=date(2027, 7, 14))
        self.assertEqual(trigger.log_ids.partner_id, of_a | shared)
        self.assertNotIn(
            of_b, trigger.log_ids.partner_id, "company A's reward never goes to company B's customer"
        )

    def test_segment_trigger_rewards_only_its_company_customers(self):
        segment = self.env["crm.customer.segment"].create({"name": "Everyone"})
        of_b = self.env["res.partner"].create({"name": "B in segment", "company_id": self.company_b.id})
        trigger = self.Trigger.create(
            {
                "name": "Segment A",
                "condition": "segment",
                "segment_id": segment.id,
                "action": "coupon",
                "coupon_program_id": self.coupon_program("Segment coupons").id,
            }
        )
        segment.sudo().partner_ids = [Command.link(of_b.id), Command.link(self.customer.id)]
        trigger.action_run_now()
        self.assertNotIn(of_b, trigger.log_ids.partner_id)
        self.assertIn(self.customer, trigger.log_ids.partner_id)

    def test_trigger_programs_belong_to_the_trigger_company(self):
        with self.assertRaises(UserError):  # core's company consistency check
            self.Trigger.create(
                {
                    "name": "Cross-company",
                    "condition": "first_order",
                    "action": "coupon",
                    "coupon_program_id": self.coupon_program("Coupons of B", self.company_b).id,
                }
            )

    # ------------------------------------------------------------------ crons

    def test_expiry_never_takes_more_than_the_card_holds(self):
        """Whatever the ledger says (here a row written straight in the table), the expiry cron
        takes at most the balance, and the expiry row records what it took."""
        self.order(300)
        card = self.card()
        self.env.flush_all()
        self.env.cr.execute(
            "INSERT INTO crm_loyalty_ledger (card_id, description, issued, used, entry_type, date, expiry_date,"
            " remaining_points) VALUES (%s, 'forged', 0, 0, 'earn', '2000-01-01', '2000-01-02', 1000000)",
            [card.id],
        )
        self.env.invalidate_all()
        self.env["loyalty.card"]._cron_expire_points()
        self.assertEqual(card.points, 0, "never below zero")
        expiry = card.crm_ledger_ids.filtered(lambda h: h.entry_type == "expire")
        self.assertEqual(expiry.used, 300)

    # ------------------------------------------------------------------ finding 6: uninstall

    def test_uninstall_keeps_users_documents_and_cards(self):
        program = self.env.ref("crm_loyalty.loyalty_program_demo_club", raise_if_not_found=False)
        if not program:
            self.skipTest("installed without demo data")
        coffee = self.env.ref("crm_loyalty.product_demo_coffee")
        story = self.env["ir.model.data"].search(
            [("module", "=", "crm_loyalty"), ("name", "=like", "demo_story_%")]
        )
        self.assertTrue(story, "the demo story's documents are identifiable")
        story_orders = self.env["sale.order"].browse(
            story.filtered(lambda d: d.model == "sale.order").mapped("res_id")
        )
        # a real customer buys the demo product after the install: a user's order and card
        customer = self.env["res.partner"].create({"name": "Real Customer"})
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [Command.create({"product_id": coffee.id, "product_uom_qty": 3})],
            }
        )
        order._update_programs_and_rewards()
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        card = self.env["loyalty.card"].search(
            [("partner_id", "=", customer.id), ("program_id", "=", program.id)]
        )
        self.assertTrue(card)
        points = card.points

        uninstall_hook(self.env)

        self.assertTrue(order.exists(), "a user's order is never deleted")
        self.assertEqual(order.state, "sale")
        self.assertEqual(invoice.state, "posted", "nor his invoice reset")
        self.assertTrue(card.exists(), "nor his card")
        self.assertEqual(card.points, points)
        self.assertFalse(story_orders.exists(), "the demo story's own orders are removed")
        # what the user's data still refers to is archived and keeps no XML id of the addon
        self.assertFalse(program.active)
        self.assertFalse(coffee.active)
        self.assertFalse(
            self.env["ir.model.data"].search(
                [
                    ("module", "=", "crm_loyalty"),
                    ("model", "=", "loyalty.program"),
                    ("res_id", "=", program.id),
                ]
            )
        )
