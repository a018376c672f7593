from odoo import fields, models
from odoo.addons.crm_service.models.crm_ticket_team import SERVICE_READERS

# written by the /ticket command only (discuss.channel._crm_create_ticket)
LIVECHAT_BOOKKEEPING_FIELDS = frozenset({"discuss_channel_id"})


class CrmTicket(models.Model):
    _inherit = "crm.ticket"

    discuss_channel_id = fields.Many2one(
        "discuss.channel",
        string="Live Chat",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups=SERVICE_READERS,
        help="The live chat conversation this ticket was made from; its transcript is in the chatter.",
    )

    def _bookkeeping_fields(self):
        return super()._bookkeeping_fields() | LIVECHAT_BOOKKEEPING_FIELDS
