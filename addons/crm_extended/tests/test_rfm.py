from odoo.tests import tagged

from .common import CrmExtendedCase


@tagged("post_install", "-at_install")
class TestRfm(CrmExtendedCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Keep other customers (demo data) out of the quintiles of these tests.
        cls.env["sale.order"].search([("state", "=", "sale")]).write({"state": "cancel"})

    def test_quintiles_spread_five_customers(self):
        customers = [self.make_customer(f"C{i}") for i in range(1, 6)]
        for i, customer in enumerate(customers, start=1):
            for _n in range(i):
                self.make_order(customer, amount=100 * i, days_ago=60 - 10 * i)
        self.env["res.partner"].action_recompute_rfm()
        self.assertEqual([c.rfm_recency for c in customers], [1, 2, 3, 4, 5])
        self.assertEqual([c.rfm_frequency for c in customers], [1, 2, 3, 4, 5])
        self.assertEqual([c.rfm_monetary for c in customers], [1, 2, 3, 4, 5])
        self.assertEqual(customers[4].rfm_score, "555")
        self.assertEqual(customers[4].rfm_segment, "champions")
        self.assertEqual(customers[0].rfm_score, "111")
        self.assertEqual(customers[0].rfm_segment, "lost")

    def test_ties_get_equal_scores(self):
        a, b, c = (self.make_customer(n) for n in ("Tie A", "Tie B", "Other"))
        self.make_order(a, amount=300, days_ago=10)
        self.make_order(b, amount=300, days_ago=10)
        self.make_order(c, amount=50, days_ago=100)
        # Same day and amount for a and b: identical scores, better than c.
        self.env["sale.order"].search([("partner_id", "in", (a | b).ids)]).write({"date_order": self.now})
        self.env["res.partner"].action_recompute_rfm()
        self.assertEqual(a.rfm_score, b.rfm_score)
        self.assertEqual(a.rfm_score, "555")
        self.assertEqual(c.rfm_recency, 2)

    def test_fewer_than_five_customers(self):
        a, b = self.make_customer("Only A"), self.make_customer("Only B")
        self.make_order(a, amount=500, days_ago=1)
        self.make_order(b, amount=50, days_ago=200)
        self.env["res.partner"].action_recompute_rfm()
        self.assertEqual(a.rfm_score, "555")
        self.assertEqual((b.rfm_recency, b.rfm_monetary), (3, 3))
        self.assertTrue(all(1 <= s <= 5 for s in (b.rfm_recency, b.rfm_frequency, b.rfm_monetary)))

    def test_no_orders_cancelled_and_out_of_window(self):
        nothing = self.make_customer("No orders")
        cancelled = self.make_customer("Cancelled only")
        self.make_order(cancelled, amount=999)._action_cancel()
        old = self.make_customer("Old buyer")
        self.make_order(old, days_ago=500)
        recent = self.make_customer("Recent buyer")
        self.make_order(recent, days_ago=3)
        self.env["res.partner"].action_recompute_rfm()
        self.assertFalse(nothing.rfm_segment)
        self.assertFalse(nothing.rfm_score)
        self.assertFalse(cancelled.rfm_segment)
        self.assertEqual(old.rfm_segment, "lost")
        self.assertFalse(old.rfm_score, "outside the window: not among the scored customers")
        self.assertTrue(recent.rfm_score)

    def test_window_is_configurable(self):
        old = self.make_customer("Old buyer")
        self.make_order(old, days_ago=500)
        self.env["ir.config_parameter"].set_param("crm_extended.rfm_window_days", "730")
        self.env["res.partner"].action_recompute_rfm()
        self.assertEqual(old.rfm_score, "555")

    def test_contacts_roll_up_and_other_currency_converted(self):
        company = self.env.company
        other = self.env["res.currency"].create({"name": "XTS", "symbol": "¤"})
        self.env["res.currency.rate"].create(
            {"currency_id": other.id, "rate": 4.0, "name": "2000-01-01", "company_id": company.id}
        )
        pricelist = self.env["product.pricelist"].create({"name": "Foreign", "currency_id": other.id})
        foreign = self.make_customer("Foreign buyer")
        contact = self.env["res.partner"].create({"name": "Buyer contact", "parent_id": foreign.id})
        # 1000 in the other currency is 250 in the company's; the local buyer's 300 is worth more.
        self.make_order(contact, amount=1000, days_ago=5, pricelist_id=pricelist.id)
        local = self.make_customer("Local buyer")
        self.make_order(local, amount=300, days_ago=5)
        self.env["res.partner"].action_recompute_rfm()
        self.assertFalse(contact.rfm_score, "contacts roll up to their company")
        self.assertTrue(foreign.rfm_score)
        self.assertLess(foreign.rfm_monetary, local.rfm_monetary)

    def test_other_company_orders_count(self):
        company_b = self.env["res.company"].create(
            {"name": "Branch B", "currency_id": self.env.company.currency_id.id}
        )
        self.env.user.company_ids |= company_b
        customer = self.make_customer("Shared customer")
        self.make_order(customer, days_ago=5)
        self.make_order(customer.with_company(company_b), days_ago=4, company_id=company_b.id)
        self.env.cr.flush()  # the 360 figures follow at commit time
        self.env["res.partner"].action_recompute_rfm()
        self.assertEqual(customer.order_count, 2)
        self.assertTrue(customer.rfm_score)

    def test_history_rows_on_segment_change_only(self):
        customer = self.make_customer("Mover")
        rival = self.make_customer("Rival")
        self.make_order(customer, amount=50, days_ago=300)
        for _n in range(3):
            self.make_order(rival, amount=500, days_ago=2)
        Partner = self.env["res.partner"]
        Partner.action_recompute_rfm()
        first = customer.rfm_segment
        self.assertEqual(len(customer.rfm_history_ids), 1)
        self.assertFalse(customer.rfm_history_ids.old_segment)
        self.assertEqual(customer.rfm_history_ids.new_segment, first)
        Partner.action_recompute_rfm()
        self.assertEqual(len(customer.rfm_history_ids), 1, "no change, no new row")
        for _n in range(4):
            self.make_order(customer, amount=900, days_ago=0)
        Partner.action_recompute_rfm()
        self.assertEqual(customer.rfm_segment, "champions")
        latest = customer.rfm_history_ids[0]
        self.assertEqual((latest.old_segment, latest.new_segment), (first, "champions"))
        self.assertEqual(customer.rfm_segment_date, latest.date)

    def test_churn_risk_from_own_interval(self):
        steady = self.make_customer("Steady")
        for days in (35, 25, 15, 5):
            self.make_order(steady, days_ago=days)
        slipping = self.make_customer("Slipping")
        for days in (70, 60, 50, 40):
            self.make_order(slipping, days_ago=days)
        drifting = self.make_customer("Drifting")
        for days in (45, 35, 25, 20):
            self.make_order(drifting, days_ago=days)
        self.env["res.partner"].action_recompute_rfm()
        self.assertEqual(steady.churn_risk, "low")  # 5 days vs a 10-day habit
        self.assertEqual(drifting.churn_risk, "medium")  # 20 days vs about 8
        self.assertEqual(slipping.churn_risk, "high")  # 40 days vs 10

    def test_segments_copied_to_leads_and_orders(self):
        customer = self.make_customer("Lead customer")
        order = self.make_order(customer, days_ago=1)
        quotation = self.make_order(customer, confirm=False)
        lead = self.env["crm.lead"].create(
            {"name": "Upsell", "partner_id": customer.id, "type": "opportunity"}
        )
        self.env["res.partner"].action_recompute_rfm()
        self.assertTrue(customer.rfm_segment)
        self.assertEqual(quotation.customer_rfm_segment, customer.rfm_segment)
        self.assertEqual(lead.customer_rfm_segment, customer.rfm_segment)
        self.assertEqual(lead.customer_churn_risk, customer.churn_risk)
        self.assertFalse(
            order.customer_rfm_segment, "a confirmed order keeps the segment it was confirmed with"
        )
        found = self.env["sale.order"].search([("customer_rfm_segment", "=", customer.rfm_segment)])
        self.assertIn(quotation, found)
        segment_when_confirmed = customer.rfm_segment
        quotation.action_confirm()
        self.env.cr.execute("UPDATE res_partner SET rfm_segment = 'lost' WHERE id = %s", (customer.id,))
        self.env["res.partner"].invalidate_model(["rfm_segment"])
        self.env["sale.order"]._sync_customer_segments()
        self.assertEqual(quotation.customer_rfm_segment, segment_when_confirmed)
