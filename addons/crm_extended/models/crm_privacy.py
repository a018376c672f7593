"""Personal data on the mail side of a record: what anonymizing a customer or the retention
cron removes from the messages of the suite's documents (their timeline rows read those)."""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tools import SQL


def anonymize_messages(env, model, res_ids, body):
    """Replace the text of every message on these records by ``body``, drop their tracked
    values (old names, emails, subjects) and the files attached to the records:
    a few statements whatever the number of records."""
    if not res_ids:
        return
    env["mail.message"].flush_model()
    env.cr.execute(
        SQL(
            """
            UPDATE mail_message
               SET body = %(body)s, subject = NULL, email_from = NULL, reply_to = NULL
             WHERE model = %(model)s AND res_id = ANY(%(ids)s)
         RETURNING id
            """,
            body=body,
            model=model,
            ids=list(res_ids),
        )
    )
    message_ids = [row[0] for row in env.cr.fetchall()]
    if message_ids:
        env.cr.execute(SQL("DELETE FROM mail_tracking_value WHERE mail_message_id = ANY(%s)", message_ids))
    # files sent or received on the records (a message's attachments belong to its record)
    env["ir.attachment"].sudo().search([("res_model", "=", model), ("res_id", "in", list(res_ids))]).unlink()
    env["mail.message"].invalidate_model(["body", "subject", "email_from", "reply_to", "attachment_ids"])
    env["mail.tracking.value"].invalidate_model()


def forget_author_emails(env, partner_ids):
    """The address a partner wrote from stays on his messages anywhere: cleared."""
    if not partner_ids:
        return
    env["mail.message"].flush_model(["author_id", "email_from"])
    env.cr.execute(
        SQL(
            "UPDATE mail_message SET email_from = NULL WHERE author_id = ANY(%s) AND email_from IS NOT NULL",
            list(partner_ids),
        )
    )
    env["mail.message"].invalidate_model(["email_from"])


def anonymize_past_retention(records, date_field, years, limit, domain=()):
    """One batch of the retention cron for a model with ``is_anonymized`` and ``_crm_anonymize``:
    up to ``limit`` records of ``domain`` whose ``date_field`` is more than ``years`` years old
    (0: kept) are anonymized; returns (done, remaining)."""
    if years <= 0:
        return 0, 0
    cutoff = fields.Datetime.now() - relativedelta(years=years)
    domain = [*domain, (date_field, "<", cutoff), ("is_anonymized", "=", False)]
    records = records.sudo().with_context(active_test=False)
    batch = records.search(domain, limit=limit, order="id")
    batch._crm_anonymize()
    return len(batch), records.search_count(domain)
