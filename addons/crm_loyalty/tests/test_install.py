from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCrmLoyaltyInstall(TransactionCase):
    def test_admin_is_loyalty_manager(self):
        self.assertTrue(self.env.ref("base.user_admin").has_group("crm_loyalty.group_crm_loyalty_manager"))

    def test_menu_under_crm_suite(self):
        menu = self.env.ref("crm_loyalty.menu_crm_loyalty_programs")
        self.assertEqual(menu.parent_id.parent_id, self.env.ref("crm_extended.menu_crm_suite_root"))

    def test_demo_story(self):
        """The demo customers show every part of the program: a tier, points expiring soon,
        a redemption and a refund's reversal, with a ledger that adds up."""
        program = self.env.ref("crm_loyalty.loyalty_program_demo_club", raise_if_not_found=False)
        if not program:
            self.skipTest("installed without demo data")
        cards = self.env["loyalty.card"].search([("program_id", "=", program.id)])
        portal_card = cards.filtered(lambda c: c.partner_id == self.env.ref("base.partner_demo_portal"))
        layla_card = cards.filtered(lambda c: c.partner_id == self.env.ref("crm_loyalty.partner_demo_layla"))
        self.assertEqual(portal_card.tier_id, self.env.ref("crm_loyalty.loyalty_tier_demo_silver"))
        self.assertEqual(layla_card.tier_id, self.env.ref("crm_loyalty.loyalty_tier_demo_gold"))
        for card in portal_card | layla_card:
            self.assertGreater(card.expiring_points, 0, "points expiring within the warning window")
            self.assertEqual(set(card.crm_ledger_ids.mapped("entry_type")), {"earn", "use", "reversal"})
            self.assertFalse(card._crm_ledger_mismatches())
        # told by demo XML through crm.loyalty.demo, not by a business model; the first award
        # backdated through the ORM (what the cache says is what the table holds)
        self.assertFalse(hasattr(self.env["loyalty.card"], "_crm_demo_story"))
        first = self.env.ref("crm_loyalty.demo_story_joel_first")
        award = self.env["crm.loyalty.ledger"].search(
            [("order_model", "=", "sale.order"), ("order_id", "=", first.id), ("entry_type", "=", "earn")]
        )
        self.assertEqual(award.date, fields.Date.context_today(award) - timedelta(days=345))
        self.env.invalidate_all()
        self.assertEqual(award.date, fields.Date.context_today(award) - timedelta(days=345))
        self.assertEqual(self.env.ref("crm_loyalty.demo_story_joel_first_card"), portal_card)

    def test_ledger_rows_of_an_order_are_indexed(self):
        """Confirming or cancelling an order looks up its ledger rows: never a full scan."""
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'crm_loyalty_ledger' AND indexdef LIKE %s",
            ["%(order_id)%"],
        )
        self.assertTrue(self.env.cr.fetchall())
