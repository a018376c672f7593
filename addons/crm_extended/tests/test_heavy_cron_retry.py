from unittest.mock import patch

from psycopg2.errors import SerializationFailure

from odoo import api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestHeavyCronRetry(TransactionCase):
    """A heavy cron run by the scheduler meets a concurrent transaction that changed a customer
    it rewrites: the serialization failure is retried in a fresh transaction, not lost (two real
    transactions, committed)."""

    def setUp(self):
        super().setUp()
        self.cron = self.env.ref("crm_extended.ir_cron_recompute_rfm")
        with self.registry.cursor() as cr:
            self.partner_id = (
                api.Environment(cr, self.env.uid, {})["res.partner"].create({"name": "Busy Customer"}).id
            )
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            api.Environment(cr, self.env.uid, {})["res.partner"].browse(self.partner_id).unlink()

    def _run(self, context):
        """The heavy work: read (the snapshot is taken), another transaction commits a change to
        the customer, then rewrite him, as the RFM recompute's bulk update does."""
        calls = []
        partner_id = self.partner_id
        registry = self.registry

        def work(records):
            calls.append(len(calls))
            records.env.cr.execute("SELECT id FROM res_partner WHERE id = %s", [partner_id])
            if len(calls) == 1:
                with registry.cursor() as other:
                    other.execute("UPDATE res_partner SET comment = 'order' WHERE id = %s", [partner_id])
            records.env.cr.execute("UPDATE res_partner SET comment = 'rfm' WHERE id = %s", [partner_id])
            return "done"

        Partner = type(self.env["res.partner"])
        with (
            self.registry.cursor() as scheduler_cr,
            patch.object(Partner, "_crm_test_heavy_work", work, create=True),
        ):
            env = api.Environment(scheduler_cr, self.cron.user_id.id, context)
            try:
                result = env["ir.cron"]._crm_run_heavy(env["res.partner"], "_crm_test_heavy_work", "rfm")
            except SerializationFailure:
                scheduler_cr.rollback()
                return calls, None
            scheduler_cr.commit()
        return calls, result

    @mute_logger("odoo.service.model", "odoo.sql_db")
    @patch("odoo.service.model.time.sleep", lambda _seconds: None)
    def test_scheduler_run_retries_a_conflict(self):
        # (with crm_extended_queue_job installed the scheduler's run would be a job: at once here)
        calls, result = self._run({"cron_id": self.cron.id, "queue_job__no_delay": True})
        self.assertEqual((len(calls), result), (2, "done"), "retried once in a fresh transaction")
        with self.registry.cursor() as cr:
            cr.execute("SELECT comment FROM res_partner WHERE id = %s", [self.partner_id])
            self.assertEqual(cr.fetchone()[0], "rfm")

    @mute_logger("odoo.sql_db")
    def test_other_calls_run_once(self):
        """A button or a script (no scheduler) runs once; its caller's request handles the
        conflict (Odoo's RPC layer retries the whole request)."""
        calls, result = self._run({})
        self.assertEqual((len(calls), result), (1, None))
