"""The jobs glue over JSON-RPC: its door and the chunk methods are private, and the scheduler's
context sent by a browser queues nothing (the buttons still work at once)."""

from odoo.addons.crm_extended.tests.rpc import RpcAttackCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestSecurityRpcQueueJob(RpcAttackCase):
    def test_private_methods_refused(self):
        jobs, functions = (
            self.env["queue.job"].search_count([]),
            self.env["queue.job.function"].search_count([]),
        )
        partner = self.env["res.partner"].create({"name": "Chunk Victim"})
        calls = [
            (
                "ir.cron",
                "_crm_run_heavy",
                [],
                {"records": "res.partner", "method": "_recompute_rfm", "channel": "rfm"},
            ),
            ("ir.cron", "_crm_enqueue_heavy", [], {}),
            ("ir.cron", "_crm_job_function", ["res.partner", "_recompute_rfm", "root.crm_suite.rfm"], {}),
            ("res.partner", "_cron_recompute_rfm", [], {}),
            ("res.partner", "_crm_360_refresh_chunk", [partner.ids], {}),
            ("crm.customer.segment", "_cron_refresh", [], {}),
            ("crm.duplicate.candidate", "_cron_scan", [], {}),
        ]
        for who in ("portal", "employee", "salesman", "sales_admin"):
            for model, method, args, kwargs in calls:
                with self.subTest(who=who, method=method):
                    self.assertRpcRefused(who, model, method, args, kwargs, context={"cron_id": 1})
        self.assertEqual(self.env["queue.job"].search_count([]), jobs)
        self.assertEqual(self.env["queue.job.function"].search_count([]), functions)

    def test_scheduler_context_queues_nothing(self):
        """A manager's Recompute RFM sent with the scheduler's context runs at once."""
        jobs = self.env["queue.job"].search_count([])
        self.rpc("sales_admin", "res.partner", "action_recompute_rfm", context={"cron_id": 1})
        self.assertEqual(self.env["queue.job"].search_count([]), jobs)

    def test_cron_action_with_scheduler_context_queues_nothing(self):
        """Running a cron's server action needs only write access to its model (core's rule): sent
        with the scheduler's context by a sales manager (no Job Queue rights, not the cron's
        user), it runs at once as before, no job is queued as him."""
        cron = self.env.ref("crm_extended.ir_cron_recompute_rfm")
        jobs = self.env["queue.job"].search_count([])
        self.rpc(
            "sales_admin",
            "ir.actions.server",
            "run",
            [cron.ir_actions_server_id.ids],
            context={"cron_id": cron.id},
        )
        self.assertEqual(self.env["queue.job"].search_count([]), jobs)
