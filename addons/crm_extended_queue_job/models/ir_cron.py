from odoo import api, models
from odoo.addons.crm_extended.models.res_partner import bounded_int_param
from odoo.addons.queue_job.job import identity_exact
from odoo.addons.queue_job.utils import must_run_without_delay
from odoo.tools import split_every

CHANNEL_ROOT = "root.crm_suite"
CHUNK_SIZE_PARAM = "crm_extended_queue_job.chunk_size"
CHUNK_SIZE_BOUNDS = (1, 100000)
# a failed job (a lock held too long, a server gone) is tried again: after 1 minute for the
# first 3 tries, then 5 minutes, then 30 (queue_job's own default stops at 5 tries)
RETRY_PATTERN = {1: 60, 3: 300, 5: 1800}


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _crm_run_heavy(self, records, method, channel, chunks=None, chunk_kwargs=None, **kwargs):
        """Run by the scheduler, a heavy recompute becomes jobs on ``root.crm_suite.<channel>``:
        one job per chunk of ids when the work can be split, else one job for the whole pass.
        Each job has the identity of its method, records and arguments, so a chunk still
        waiting is not queued twice; any server's job runner may take it.

        Called otherwise (a button, a script, a test, *Run Manually*), the work is done at
        once as without queue_job, and so is it under queue_job's no-delay switches.
        """
        if not self._crm_queue_jobs():
            return super()._crm_run_heavy(
                records, method, channel, chunks=chunks, chunk_kwargs=chunk_kwargs, **kwargs
            )
        return self._crm_enqueue_heavy(records, method, channel, chunks, chunk_kwargs or {}, kwargs)

    @api.model
    def _crm_queue_jobs(self):
        """Jobs for the scheduler's runs (the cron's own user, see crm_extended's
        `_crm_is_scheduler_call`), except under queue_job's no-delay switches: then the work is
        done at once, as without queue_job."""
        return not must_run_without_delay(self.env) and self._crm_is_scheduler_call()

    @api.model
    def _crm_enqueue_heavy(self, records, method, channel, chunks, chunk_kwargs, kwargs):
        """Queue the jobs of one heavy recompute; returns them (queue_job's Job objects)."""
        channel = f"{CHANNEL_ROOT}.{channel}"
        records = records.browse()
        if not chunks:
            self._crm_job_function(records._name, method, channel)
            delayed = records.with_delay(
                channel=channel,
                identity_key=identity_exact,
                description=self.env._("%(model)s: %(method)s", model=records._description, method=method),
            )
            job = getattr(delayed, method)(**kwargs)
            self._notify_progress(done=1, remaining=0)
            return [job]
        ids_method, chunk_method = chunks
        self._crm_job_function(records._name, chunk_method, channel)
        ids = getattr(records, ids_method)(**chunk_kwargs)
        size = bounded_int_param(self.env, CHUNK_SIZE_PARAM, 1000, CHUNK_SIZE_BOUNDS)
        parts = list(split_every(size, ids))
        jobs = []
        for number, part in enumerate(parts, start=1):
            delayed = records.browse(part).with_delay(
                channel=channel,
                identity_key=identity_exact,
                description=self.env._(
                    "%(model)s: %(method)s, part %(part)s of %(parts)s",
                    model=records._description,
                    method=chunk_method,
                    part=number,
                    parts=len(parts),
                ),
            )
            jobs.append(getattr(delayed, chunk_method)(**chunk_kwargs))
        self._notify_progress(done=len(ids), remaining=0)
        return jobs

    @api.model
    def _crm_job_function(self, model_name, method, channel):
        """queue_job's settings of a job method (channel, retry pattern), made at its first
        use: one glue serves the suite's addons, whose models it does not depend on. Once
        made, an administrator may change it (Job Queue > Job Functions)."""
        Function = self.env["queue.job.function"].sudo()
        name = Function.job_function_name(model_name, method)
        if Function.search_count([("name", "=", name)], limit=1):
            return
        Channel = self.env["queue.job.channel"].sudo()
        channel_record = Channel.search([("complete_name", "=", channel)], limit=1)
        if not channel_record:  # removed by an administrator: made again under its parent
            channel_record = Channel.create(
                {
                    "name": channel.rsplit(".", 1)[1],
                    "parent_id": self.env.ref("crm_extended_queue_job.channel_crm_suite").id,
                }
            )
        Function.create({"name": name, "channel_id": channel_record.id, "retry_pattern": RETRY_PATTERN})
