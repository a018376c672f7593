from odoo import api, models
from odoo.tools import SQL


class CrmPartnerTimeline(models.Model):
    """Tickets and the messages on them join the customer's timeline."""

    _inherit = "crm.partner.timeline"

    @api.model
    def _timeline_message_sources(self):
        return [
            *super()._timeline_message_sources(),
            (
                5,
                "crm.ticket",
                "JOIN crm_ticket src ON src.id = m.res_id",
                "src.commercial_partner_id",
                "src.company_id",
            ),
        ]

    @api.model
    def _timeline_row_queries(self):
        return [
            *super()._timeline_row_queries(),
            SQL(
                """
                SELECT t.id * 10 + 2, t.create_date, t.commercial_partner_id, 'ticket',
                       concat_ws(' ', t.number, t.name), t.channel, t.user_id, 'crm.ticket',
                       t.id, t.company_id
                  FROM crm_ticket t
                 WHERE t.commercial_partner_id IS NOT NULL AND t.active
                """
            ),
        ]

    @api.model
    def _timeline_source_models(self):
        return [*super()._timeline_source_models(), "crm.ticket"]
