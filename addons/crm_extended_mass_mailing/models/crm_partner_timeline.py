from odoo import api, models
from odoo.tools import SQL

# A trace is a mailing the customer received once it left Odoo: queued ('outgoing'), held
# ('process'), cancelled (blacklist, opt-out, duplicate) and failed ('error') traces are not.
RECEIVED_STATUSES = ("pending", "sent", "open", "reply", "bounce")


class CrmPartnerTimeline(models.Model):
    """Mailings a customer received join his timeline, one row per mailing trace (email, and
    SMS once Odoo's SMS Marketing is there), with what he did with it."""

    _inherit = "crm.partner.timeline"

    @api.model
    def _timeline_row_queries(self):
        """One SELECT per document that belongs to a customer (the documents and customer
        columns of _timeline_message_sources: contacts, leads, orders, tickets...), so that a
        filter on one customer reads the index of each source and mailing_trace's
        (model, res_id) index (models/mailing_trace.py).

        channel is the medium and what the customer did, the strongest first:
        "email replied", "email clicked", "email opened", "email bounced", "email sent"
        ("sms ..." for SMS). The row opens the mailing (res_model mailing.mailing)."""
        traces = [
            SQL(
                """
                SELECT m.id * 10 + 8, coalesce(m.sent_datetime, m.create_date), %(partner)s,
                       'mailing', crm_mailing.subject,
                       concat_ws(' ',
                                 CASE m.trace_type WHEN 'mail' THEN 'email' ELSE m.trace_type END,
                                 CASE WHEN m.trace_status = 'reply' THEN 'replied'
                                      WHEN m.links_click_datetime IS NOT NULL THEN 'clicked'
                                      WHEN m.trace_status = 'open' THEN 'opened'
                                      WHEN m.trace_status = 'bounce' THEN 'bounced'
                                      ELSE 'sent' END),
                       crm_mailing.user_id, 'mailing.mailing', crm_mailing.id, NULL::int
                  FROM mailing_trace m
                  JOIN mailing_mailing crm_mailing ON crm_mailing.id = m.mass_mailing_id
                  %(join)s
                 WHERE m.model = %(model)s AND m.trace_status IN %(statuses)s
                   AND %(partner)s IS NOT NULL
                """,
                partner=SQL(partner),
                join=SQL(join),
                model=model,
                statuses=RECEIVED_STATUSES,
            )
            # the joins read m.res_id: mailing_trace has the same model/res_id pair as
            # mail_message, so a document's customer is found the same way for both
            for _offset, model, join, partner, _company in self._timeline_message_sources()
        ]
        return [*super()._timeline_row_queries(), *traces]

    @api.model
    def _timeline_source_models(self):
        # rows of mailings are seen by who may read mailings (Email Marketing users)
        return [*super()._timeline_source_models(), "mailing.mailing"]
