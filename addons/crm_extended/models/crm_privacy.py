"""Personal data on the mail side of a record: what anonymizing a customer or the retention
cron removes from the messages of the suite's documents (their timeline rows read those)."""

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
