from odoo import models


class CrmCustomerSegment(models.Model):
    _inherit = "crm.customer.segment"

    def action_create_sms_mailing(self):
        """A draft SMS mailing to the segment's members, in the segment's campaign: the same
        checks, recipients and campaign as the email one (_crm_create_mailing)."""
        return self._crm_create_mailing("sms")

    def _prepare_mailing_vals(self, mailing_type, campaign):
        vals = super()._prepare_mailing_vals(mailing_type, campaign)
        if mailing_type == "sms":
            # as a draft made in SMS Marketing: each SMS is kept in the customer's chatter (and
            # so in his timeline)
            vals["keep_archives"] = True
        return vals
