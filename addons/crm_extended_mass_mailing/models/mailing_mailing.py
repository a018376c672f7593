from odoo import fields, models


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    crm_segment_id = fields.Many2one(
        "crm.customer.segment",
        string="Customer Segment",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=True,
        help="Sent to the members of this segment at the moment of sending.",
    )

    def _action_send_mail(self, res_ids=None):
        # A segment's members are who its rule matches when the mailing leaves, not when it
        # was drafted: refresh them first (the blacklist and opt-outs are core's, applied
        # by the mass mailing composer as for any mailing on contacts).
        if not res_ids:
            starting = self.filtered(lambda m: m.crm_segment_id and not m.sent_date)
            starting.crm_segment_id.sudo()._refresh_members()
        return super()._action_send_mail(res_ids)
