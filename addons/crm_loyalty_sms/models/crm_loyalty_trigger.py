from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmLoyaltyTrigger(models.Model):
    _inherit = "crm.loyalty.trigger"

    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        domain=[("model", "=", "res.partner")],
        ondelete="set null",
        tracking=True,
        help="Also tell the customer by SMS, with each reward this trigger issues: sent to his "
        "mobile or phone and kept in his chatter. A number on the phone blacklist receives nothing.",
    )

    @api.constrains("sms_template_id")
    def _check_sms_template(self):
        for trigger in self:
            if trigger.sms_template_id and trigger.sms_template_id.model != "res.partner":
                raise ValidationError(_("The SMS template of a reward must be one for contacts."))

    def _issue(self, order_by_partner, today, period_date=None):
        # the one place rewards are issued (confirmation, cron, Run Now): the SMS goes with
        # the rewards that are new, never twice for the same customer and period
        logs = super()._issue(order_by_partner, today, period_date=period_date)
        if logs and self.sms_template_id:
            self._crm_notify_by_sms(logs.partner_id)
        return logs

    def _crm_notify_by_sms(self, partners):
        """Post the template's SMS on each customer (his chatter, so his timeline) through core's
        SMS notification. Queued: core's SMS cron sends it, not the confirmation of an order.
        A customer without a valid number, or whose number is on core's phone blacklist, gets
        nothing (as core's SMS composer skips blacklisted numbers), and so does one who withdrew
        his marketing consent, or whose company did (crm_extended's consent rule)."""
        self.ensure_one()
        partners = partners.filtered_domain(self.env["res.partner"]._crm_consent_domain())
        for partner in partners.filtered(lambda p: p.phone_sanitized and not p.phone_sanitized_blacklisted):
            partner._message_sms_with_template(
                template=self.sms_template_id, partner_ids=partner.ids, put_in_queue=True
            )
