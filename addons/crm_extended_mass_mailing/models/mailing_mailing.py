import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression

_logger = logging.getLogger(__name__)


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

    @api.model_create_multi
    def create(self, vals_list):
        self._crm_check_segment_link(
            {vals["crm_segment_id"] for vals in vals_list if vals.get("crm_segment_id")}
        )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("crm_segment_id"):
            self._crm_check_segment_link({vals["crm_segment_id"]})
        return super().write(vals)

    def _crm_check_segment_link(self, segment_ids):
        """A mailing is linked only to a segment its author may read: sending it refreshes and
        reaches the segment's members, which the author must not get through a segment of
        another company or one hidden from him."""
        if segment_ids and not self.env.su:
            self.env["crm.customer.segment"].browse(segment_ids).check_access("read")

    def _crm_segment_refused(self):
        """The segment mailings whose sender may not read their segment (any more): the user
        sending, or for the queue's cron the mailing's responsible as core picks him."""
        refused = self.browse()
        for mailing in self.filtered("crm_segment_id"):
            sender = self.env.user if not self.env.su else (mailing.user_id or mailing.write_uid)
            if not sender:
                continue
            if not mailing.crm_segment_id.with_user(sender).has_access("read"):
                refused |= mailing
        return refused

    def _action_send_mail(self, res_ids=None):
        # A segment's members are who its rule matches when the mailing leaves, not when it
        # was drafted: refresh them first (the blacklist and opt-outs are core's, applied
        # by the mass mailing composer as for any mailing on contacts).
        if not res_ids:
            starting = self.filtered(lambda m: m.crm_segment_id and not m.sent_date)
            refused = starting._crm_segment_refused()
            if refused and not self.env.su:
                raise AccessError(
                    _(
                        "You cannot send mailing “%(mailing)s”: its customer segment is not "
                        "readable for you (another company's, or hidden from you).",
                        mailing=refused[0].subject,
                    )
                )
            if refused:
                # the queue's cron: the mailing waits as a draft, the others still leave
                refused._crm_hold_for_segment()
                self -= refused
                starting -= refused
                if not self:
                    return True
            starting.crm_segment_id.sudo()._refresh_members()
        return super()._action_send_mail(res_ids)

    def _get_recipients_domain(self):
        """A segment's mailing never reaches a member who withdrew his consent (or whose
        company did) or who was anonymized: crm_extended's consent rule on top of the segment's
        live membership. Blacklisted and missing addresses stay core's: a cancelled trace says
        why."""
        domain = super()._get_recipients_domain()
        if self.crm_segment_id and self.mailing_model_real == "res.partner":
            domain = expression.AND([domain, self.env["res.partner"]._crm_consent_domain()])
        return domain

    def _crm_hold_for_segment(self):
        _logger.info("Mailings %s held: their responsible may not read their segment", self.ids)
        self.write({"state": "draft"})
        for mailing in self:
            mailing.message_post(
                body=_(
                    "Not sent: %(user)s cannot read the mailing's customer segment any more. "
                    "Link the mailing to a segment they can read, or send it as someone who can.",
                    user=(mailing.user_id or mailing.write_uid).name,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
