from odoo import api, models


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _crm_run_heavy(self, records, method, channel, chunks=None, chunk_kwargs=None, **kwargs):
        """The one door of the suite's heavy crons: ``method`` of ``records`` (a model) with
        ``kwargs``, run here at once, exactly as the cron always did.

        ``chunks`` is ``(ids_method, chunk_method)`` when the same work can be split: the ids the
        whole pass covers, and the method doing its part on a subset of them (both called with
        ``chunk_kwargs``); ``channel`` names the kind of work (rfm, dedup, sla, o2c, loyalty…).
        crm_extended_queue_job (auto-installed with OCA's queue_job) runs the scheduler's calls
        as jobs on ``root.crm_suite.<channel>`` instead, so that several servers share them.
        """
        return getattr(records, method)(**kwargs)
