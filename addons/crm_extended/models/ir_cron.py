from functools import partial

from odoo import api, models
from odoo.service.model import retrying


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _crm_run_heavy(self, records, method, channel, chunks=None, chunk_kwargs=None, **kwargs):
        """The one door of the suite's heavy crons: ``method`` of ``records`` (a model) with
        ``kwargs``, run here at once, exactly as the cron always did.

        Run by the scheduler, a serialization conflict with a concurrent transaction (an order
        confirmed at the same moment touches the customer the recompute rewrites) is retried in
        a fresh transaction, as Odoo's RPC layer retries a request (`retrying`: up to 5 tries),
        instead of losing the night's run: every heavy recompute is idempotent and reports its
        batches through the progress API without committing in between.

        ``chunks`` is ``(ids_method, chunk_method)`` when the same work can be split: the ids the
        whole pass covers, and the method doing its part on a subset of them (both called with
        ``chunk_kwargs``); ``channel`` names the kind of work (rfm, dedup, sla, o2c, loyalty…).
        crm_extended_queue_job (auto-installed with OCA's queue_job) runs the scheduler's calls
        as jobs on ``root.crm_suite.<channel>`` instead, so that several servers share them.
        """
        work = partial(getattr(records, method), **kwargs)
        if self._crm_is_scheduler_call():
            return retrying(work, self.env)
        return work()

    @api.model
    def _crm_is_scheduler_call(self):
        """True when the scheduler runs a cron: ``cron_id`` in the context *and* the current
        user is that cron's user. A browser can send the key (running the cron's server action
        over JSON-RPC needs only write access to its model) but cannot be the cron's user; its
        call is one request, which Odoo's RPC layer already retries as a whole."""
        cron_id = self.env.context.get("cron_id")
        if type(cron_id) is not int:
            return False
        cron = self.sudo().browse(cron_id).exists()
        return bool(cron) and cron.user_id == self.env.user
