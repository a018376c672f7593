import math
from datetime import timedelta

from odoo import fields
from odoo.addons.crm_extended.tests.common import CrmExtendedCase
from odoo.tests import common as odoo_test_common
from odoo.tests import tagged

# queue_job's test helpers register themselves in a list of allowed monkey-patchers that
# Odoo 18 builds before mid-2025 do not have (nor check): an empty one stands in there
if not hasattr(odoo_test_common, "SETATTR_SOURCES"):
    odoo_test_common.SETATTR_SOURCES = {}

from odoo.addons.queue_job.tests.common import trap_jobs  # noqa: E402

CHUNK = 3


@tagged("post_install", "-at_install")
class TestHeavyJobs(CrmExtendedCase):
    """Each heavy recompute run by the scheduler becomes jobs on its channel; performed (one
    of them twice), they leave exactly what the cron leaves without queue_job."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("crm_extended_queue_job.chunk_size", CHUNK)
        cls.customers = cls.env["res.partner"]
        for i in range(10):
            customer = cls.make_customer(f"Heavy Customer {i}", email=f"heavy{i}@example.com")
            cls.customers |= customer
            for n in range(i % 4 + 1):
                cls.make_order(customer, amount=100.0 * (i + 1) + n, days_ago=30 * n + i)
            if i % 3 == 0:
                cls.make_invoice(customer, 50.0 * (i + 1))
        # look-alikes for the duplicate scan
        cls.env["res.partner"].create(
            [{"name": f"Heavy Customer {i}", "email": f"heavy{i}@example.com"} for i in range(4)]
        )

    def run_both(self, model, cron_method, snapshot, channel, jobs, **kwargs):
        """The cron path (without jobs), undone; then the scheduler's path with jobs trapped
        and performed, one of them twice. Returns the trapped jobs."""
        Model = self.env[model]
        with self.env.cr.savepoint() as savepoint:
            getattr(Model, cron_method)(**kwargs)
            self.env.flush_all()
            self.env.invalidate_all()
            expected = snapshot()
            savepoint.rollback()
        self.env.invalidate_all()
        self.assertNotEqual(snapshot(), expected, "the data must need the recompute")
        cron = self.env["ir.cron"].search([("code", "like", f"{cron_method}(")], limit=1)
        self.assertTrue(cron, "the recompute is a cron")
        scheduled = getattr(Model.with_context(cron_id=cron.id), cron_method)
        with trap_jobs() as trap:
            scheduled(**kwargs)
            self.assertEqual(len(trap.enqueued_jobs), jobs)
            self.assertEqual({job.channel for job in trap.enqueued_jobs}, {f"root.crm_suite.{channel}"})
            keys = [job.identity_key for job in trap.enqueued_jobs]
            self.assertTrue(all(keys) and len(set(keys)) == jobs, "one identity per chunk")
            scheduled(**kwargs)
            self.assertEqual(len(trap.enqueued_jobs), jobs, "a waiting chunk is not queued twice")
            queued = list(trap.enqueued_jobs)
            trap.perform_enqueued_jobs()
            queued[0].perform()  # a retried chunk: the same result
        if jobs > 1:
            chunks = [set(job.recordset.ids) for job in queued]
            self.assertTrue(all(len(ids) <= CHUNK for ids in chunks))
            self.assertFalse(set.intersection(*chunks[:2]), "chunks do not overlap")
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(snapshot(), expected, "the jobs compute what the cron computes")
        return queued

    def test_rfm(self):
        def snapshot():
            history = self.env["crm.rfm.history"].search_count([("partner_id", "in", self.customers.ids)])
            return history, [
                (p.rfm_recency, p.rfm_frequency, p.rfm_monetary, p.rfm_score, p.rfm_segment, p.churn_risk)
                for p in self.customers
            ]

        self.run_both("res.partner", "_cron_recompute_rfm", snapshot, "rfm", jobs=1)

    def test_customer_360(self):
        stale = self.make_customer("Heavy Stale")
        fields_360 = (
            "order_count",
            "lifetime_value",
            "average_order_value",
            "customer_since",
            "last_order_date",
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET order_count = 7, lifetime_value = 1, average_order_value = 1,"
            " customer_since = NULL, last_order_date = NULL WHERE id = ANY(%s)",
            [(self.customers | stale).ids],
        )
        self.env.invalidate_all()
        partners = self.customers | stale
        ids = self.env["res.partner"]._crm_360_ids()
        self.assertIn(stale.id, ids, "figures of a customer without documents are reset too")

        def snapshot():
            return partners.read(list(fields_360))

        self.run_both(
            "res.partner",
            "_cron_refresh_customer_360",
            snapshot,
            "customer360",
            jobs=math.ceil(len(ids) / CHUNK),
        )

    def test_segments(self):
        Segment = self.env["crm.customer.segment"]
        Segment.create(
            [
                {"name": f"Heavy {i}", "rule_domain": f"[('name', 'ilike', 'Heavy Customer {i}')]"}
                for i in range(5)
            ]
            + [{"name": "Heavy companies", "rule_domain": "[('is_company', '=', True)]"}]
        )
        segments = Segment.search([], order="id")

        def snapshot():
            return [(s.id, sorted(s.partner_ids.ids)) for s in segments]

        self.run_both(
            "crm.customer.segment",
            "_cron_refresh",
            snapshot,
            "segments",
            jobs=math.ceil(len(segments) / CHUNK),
        )

    def test_segment_deleted_before_its_job(self):
        """A segment deleted while its part waits: the part refreshes the other segments
        instead of failing on the missing one (and failing again at each retry)."""
        self.env["ir.config_parameter"].sudo().set_param("crm_extended_queue_job.chunk_size", 1000)
        Segment = self.env["crm.customer.segment"]
        gone, kept = Segment.create(
            [
                {"name": f"Heavy gone {i}", "rule_domain": f"[('name', 'ilike', 'Heavy Customer {i}')]"}
                for i in (1, 2)
            ]
        )
        cron = self.env.ref("crm_extended.ir_cron_refresh_segments")
        with trap_jobs() as trap:
            Segment.with_context(cron_id=cron.id)._cron_refresh()
            trap.assert_jobs_count(1)
            gone.unlink()
            trap.perform_enqueued_jobs()
        self.assertIn(self.customers[2], kept.partner_ids)
        self.assertTrue(kept.last_refresh)

    def test_duplicate_scan(self):
        def snapshot():
            return sorted(
                self.env["crm.duplicate.candidate"]
                .search([])
                .mapped(lambda c: (c.partner_a_id.id, c.partner_b_id.id, c.score, c.reasons))
            )

        self.run_both("crm.duplicate.candidate", "_cron_scan", snapshot, "dedup", jobs=1)

    def test_sla(self):
        if "crm.ticket" not in self.env:
            self.skipTest("crm_service is not installed")
        team = self.env["crm.ticket.team"].create(
            {
                "name": "Heavy Care",
                "resource_calendar_id": self.env.company.resource_calendar_id.id,
                "user_id": self.env.uid,
            }
        )
        self.env["crm.ticket.sla"].create(
            {"name": "Heavy SLA", "team_id": team.id, "response_hours": 2, "resolution_hours": 8}
        )
        tickets = self.env["crm.ticket"].create(
            [
                {"name": f"Heavy ticket {i}", "partner_id": self.customers[i].id, "team_id": team.id}
                for i in range(8)
            ]
        )
        self.env.flush_all()
        for i, ticket in enumerate(tickets):
            self.env.cr.execute(
                "UPDATE crm_ticket SET create_date = %s, sla_status = NULL, first_response_deadline = NULL,"
                " sla_deadline = NULL WHERE id = %s",
                [self.now - timedelta(days=i, hours=i), ticket.id],
            )
        self.env.invalidate_all()

        def snapshot():
            activities = self.env["mail.activity"].search_count(
                [("res_model", "=", "crm.ticket"), ("res_id", "in", tickets.ids)]
            )
            notes = self.env["mail.message"].search_count(
                [
                    ("model", "=", "crm.ticket"),
                    ("res_id", "in", tickets.ids),
                    ("tracking_value_ids", "!=", False),
                ]
            )
            return (
                activities,
                notes,
                tickets.read(["first_response_deadline", "sla_deadline", "sla_status", "sla_escalation"]),
            )

        open_ids = self.env["crm.ticket"]._crm_sla_open_ids()
        self.run_both(
            "crm.ticket", "_cron_sla_update", snapshot, "sla", jobs=math.ceil(len(open_ids) / CHUNK)
        )

    def test_order_to_cash(self):
        if "order_to_cash_state" not in self.env["sale.order"]._fields:
            self.skipTest("crm_erp_bridge is not installed")
        fnames = ["order_to_cash_state", "o2c_amount_ordered", "o2c_amount_invoiced", "o2c_amount_residual"]
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET order_to_cash_state = 'quotation', o2c_amount_ordered = 0,"
            " o2c_amount_invoiced = 0, o2c_amount_residual = 0"
        )
        self.env.invalidate_all()
        orders = self.env["sale.order"].search([], order="id")

        def snapshot():
            return orders.read(fnames)

        self.run_both(
            "sale.order",
            "_cron_recompute_order_to_cash",
            snapshot,
            "o2c",
            jobs=math.ceil(len(orders) / CHUNK),
        )

    def _loyalty_cards(self):
        from odoo.addons.crm_loyalty.tests.common import LoyaltyFixtures  # noqa: PLC0415

        # the loyalty tests' program and tiers (class methods of a mixin: called on this class)
        program = LoyaltyFixtures.make_program.__func__(type(self), "Heavy Club")
        LoyaltyFixtures.make_tiers.__func__(type(self), program)
        program._crm_award_points(
            [(customer, 60.0 * (i + 1), customer, "Heavy award") for i, customer in enumerate(self.customers)]
        )
        return self.env["loyalty.card"].search([("program_id", "=", program.id)])

    def test_loyalty_expiry(self):
        if "crm.loyalty.ledger" not in self.env:
            self.skipTest("crm_loyalty is not installed")
        mine = self._loyalty_cards()
        today = fields.Date.context_today(self.env.user) + timedelta(days=400)
        cards = self.env["loyalty.card"].browse(self.env["loyalty.card"]._crm_expiry_card_ids(today))
        self.assertLessEqual(mine, cards)

        def snapshot():
            ledger = self.env["crm.loyalty.ledger"].search(
                [("card_id", "in", cards.ids)], order="card_id, id"
            )
            notes = self.env["mail.message"].search_count(
                [("model", "=", "loyalty.card"), ("res_id", "in", cards.ids)]
            )
            return (
                notes,
                cards.read(["points"]),
                [
                    (h.card_id.id, h.entry_type, h.issued, h.used, h.remaining_points, h.expiry_date)
                    for h in ledger
                ],
            )

        jobs = math.ceil(len(cards) / CHUNK)
        self.run_both("loyalty.card", "_cron_expire_points", snapshot, "loyalty", jobs=jobs, today=today)
        self.assertFalse(any(mine.mapped("points")), "every point expired, once")

    def test_loyalty_tiers(self):
        if "crm.loyalty.tier" not in self.env:
            self.skipTest("crm_loyalty is not installed")
        cards = self._loyalty_cards()
        self.assertTrue(cards.filtered("tier_id"), "the awards reached tiers")
        today = fields.Date.context_today(self.env.user) + timedelta(days=800)
        # half of them at the end of their grace period: the review downgrades those, and
        # starts the grace period of the others
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE loyalty_card SET tier_downgrade_date = %s WHERE id = ANY(%s)",
            [today - timedelta(days=1), cards.filtered("tier_id").ids[::2]],
        )
        self.env.invalidate_all()

        def snapshot():
            return cards.read(["tier_id", "qualifying_points", "tier_downgrade_date", "tier_since"])

        jobs = math.ceil(len(self.env["loyalty.card"]._crm_tier_review_card_ids(today)) / CHUNK)
        self.run_both("loyalty.card", "_cron_review_tiers", snapshot, "loyalty", jobs=jobs, today=today)

    def test_loyalty_tiers_stale_job(self):
        """A tier-review job performed days after it was queued reviews as of the day it runs:
        a grace period ended yesterday downgrades, even though the job's own day was earlier."""
        if "crm.loyalty.tier" not in self.env:
            self.skipTest("crm_loyalty is not installed")
        cards = self._loyalty_cards().filtered("tier_id")
        self.assertTrue(cards, "the awards reached tiers")
        card = cards[0]
        today = fields.Date.context_today(card)
        # every point it earned is older than the window: it qualifies for no tier any more
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_loyalty_ledger SET date = %s WHERE card_id = %s",
            [today - timedelta(days=3000), card.id],
        )
        self.env.cr.execute(
            "UPDATE loyalty_card SET tier_downgrade_date = %s WHERE id = %s",
            [today - timedelta(days=1), card.id],
        )
        self.env.invalidate_all()
        tier = card.tier_id
        card._crm_review_tiers_chunk(today - timedelta(days=10))
        self.env.invalidate_all()
        self.assertNotEqual(card.tier_id, tier, "the grace period ended yesterday: downgraded")
        self.assertFalse(card.tier_downgrade_date)

    def test_without_scheduler_runs_at_once(self):
        """Called outside the scheduler (a button, a script), the work is done at once."""
        with trap_jobs() as trap:
            self.env["res.partner"]._cron_recompute_rfm()
            trap.assert_jobs_count(0)
        self.assertTrue(all(self.customers.mapped("rfm_segment")))

    def test_stored_jobs(self):
        """Without the trap: the scheduler's run stores one job, on its channel with the job
        function made for it (retry pattern), not twice while it waits; performed as a job
        runner would, it does the work."""
        from odoo.addons.queue_job.job import Job  # noqa: PLC0415

        cron = self.env.ref("crm_extended.ir_cron_scan_duplicates")
        Candidate = self.env["crm.duplicate.candidate"].with_context(cron_id=cron.id)
        before = self.env["queue.job"].search([])
        pairs = Candidate.search_count([])
        Candidate._cron_scan()
        Candidate._cron_scan()
        job = self.env["queue.job"].search([]) - before
        self.assertEqual(len(job), 1)
        self.assertEqual(
            (job.channel, job.state, job.method_name), ("root.crm_suite.dedup", "pending", "_scan")
        )
        function = self.env["queue.job.function"].search([("name", "=", "<crm.duplicate.candidate>._scan")])
        self.assertEqual(function.channel, "root.crm_suite.dedup")
        self.assertEqual(function._parse_retry_pattern(), {1: 60, 3: 300, 5: 1800})
        self.assertEqual(Candidate.search_count([]), pairs, "nothing done yet")
        Job.load(self.env, job.uuid).perform()
        self.assertGreater(Candidate.search_count([]), pairs, "the job scanned")
