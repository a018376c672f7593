from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmCustomerSegment(models.Model):
    _inherit = "crm.customer.segment"

    utm_campaign_id = fields.Many2one(
        "utm.campaign",
        string="Campaign",
        copy=False,
        ondelete="set null",
        help="The marketing campaign the segment's mailings belong to: opens, clicks, replies, "
        "leads and orders they bring are counted there.",
    )
    mailing_ids = fields.One2many("mailing.mailing", "crm_segment_id", string="Mailings")
    mailing_count = fields.Integer(compute="_compute_mailing_count")

    @api.depends("mailing_ids")
    def _compute_mailing_count(self):
        counts = dict(
            self.env["mailing.mailing"]._read_group(
                [("crm_segment_id", "in", self.ids)], ["crm_segment_id"], ["__count"]
            )
            if self.ids
            else []
        )
        for segment in self:
            segment.mailing_count = counts.get(segment, 0)

    def _crm_mailing_domain(self):
        """Recipients: the segment's members when the mailing is sent (the membership is
        refreshed from the rule right before), not a list frozen when it was drafted."""
        self.ensure_one()
        return [("segment_ids", "in", [self.id])]

    def action_create_mailing(self):
        """A draft email mailing to the segment's members, in the segment's campaign."""
        return self._crm_create_mailing("mail")

    def _crm_create_mailing(self, mailing_type):
        """A draft mailing of `mailing_type` to the segment's members, in the segment's
        campaign: the checks and the campaign of every kind of mailing made from a segment
        (crm_extended_mass_mailing_sms adds SMS)."""
        self.ensure_one()
        self.check_access("read")
        if not self.env.user.has_group("mass_mailing.group_mass_mailing_user"):
            raise UserError(_("Only Email Marketing users can create mailings."))
        campaign = self.utm_campaign_id
        if not campaign:
            campaign = self.env["utm.campaign"].create({"name": self.name})
            # the campaign is the segment's bookkeeping, set by this action only
            self.sudo().utm_campaign_id = campaign
        mailing = self.env["mailing.mailing"].create(self._prepare_mailing_vals(mailing_type, campaign))
        return {
            "type": "ir.actions.act_window",
            "name": _("Mailing to %s", self.name),
            "res_model": "mailing.mailing",
            "res_id": mailing.id,
            "view_mode": "form",
            "target": "current",
        }

    def _prepare_mailing_vals(self, mailing_type, campaign):
        self.ensure_one()
        return {
            "subject": self.name,
            "mailing_type": mailing_type,
            "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
            "mailing_domain": repr(self._crm_mailing_domain()),
            "campaign_id": campaign.id,
            "crm_segment_id": self.id,
        }

    def action_view_mailings(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Mailings to %s", self.name),
            "res_model": "mailing.mailing",
            "view_mode": "list,form",
            "domain": [("crm_segment_id", "=", self.id)],
            "context": {"default_crm_segment_id": self.id, "create": False},
        }
