from odoo import _, api, fields, models
from odoo.exceptions import AccessError


class CrmInteraction(models.Model):
    _inherit = "crm.interaction"

    discuss_channel_id = fields.Many2one(
        "discuss.channel",
        string="Live Chat",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The live chat conversation this interaction records (one interaction per chat).",
    )

    # the unique constraint is also the index the chat's interaction is found by
    _sql_constraints = [
        (
            "discuss_channel_uniq",
            "unique(discuss_channel_id)",
            "A live chat conversation is recorded by one interaction only.",
        ),
    ]

    def _check_chat_link(self, vals_list, defaults=False):
        """The link to a chat is kept by discuss.channel._crm_sync_chat_interactions (as
        superuser): a caller could otherwise claim another chat, or unlink one to log it twice.
        On create, a default given in the context would set it as well."""
        if self.env.su:
            return
        given = any("discuss_channel_id" in vals for vals in vals_list)
        if given or (defaults and self.env.context.get("default_discuss_channel_id")):
            raise AccessError(_("The live chat of an interaction is linked by the live chat itself."))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_chat_link(vals_list, defaults=True)
        return super().create(vals_list)

    def write(self, vals):
        self._check_chat_link([vals])
        return super().write(vals)
