from odoo.addons.crm_extended.tests.rpc import RpcAttackCase


class SegmentMailingRpcCase(RpcAttackCase):
    """RpcAttackCase's users, plus Email Marketing users with and without sales rights, and a
    segment in each company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.make_user("marketer", "mass_mailing.group_mass_mailing_user,sales_team.group_sale_salesman")
        cls.make_user("mailing_only", "mass_mailing.group_mass_mailing_user")
        Partner = cls.env["res.partner"]
        cls.member = Partner.create(
            {
                "name": "Mailing Member Co",
                "is_company": True,
                "email": "member@example.com",
                "comment": "crm-mm-a",
                "company_id": cls.company_a.id,
            }
        )
        cls.member_b = Partner.create(
            {
                "name": "Company B Member",
                "email": "member.b@example.com",
                "comment": "crm-mm-b",
                "company_id": cls.company_b.id,
            }
        )
        Segment = cls.env["crm.customer.segment"]
        cls.segment_a = Segment.create(
            {
                "name": "Segment A",
                "rule_domain": "[('comment', '=', 'crm-mm-a')]",
                "company_id": cls.company_a.id,
            }
        )
        cls.segment_b = Segment.create(
            {
                "name": "Segment B",
                "rule_domain": "[('comment', '=', 'crm-mm-b')]",
                "company_id": cls.company_b.id,
            }
        )
        (cls.segment_a | cls.segment_b)._refresh_members()
        cls.partner_model_id = cls.env["ir.model"]._get_id("res.partner")

    def create_segment_mailing(self, segment, user=None):
        """A mailing to the segment made by its Create Mailing button (as ``user``)."""
        action = segment.with_user(user or self.env.user).action_create_mailing()
        mailing = self.env["mailing.mailing"].browse(action["res_id"])
        mailing.body_html = "<p>Hello</p>"
        return mailing

    def deliver(self, mailing):
        """Send the mailing's queued mails as the mail queue would (in test mode nothing
        leaves): their traces become 'sent'."""
        self.env["mail.mail"].sudo().search([("mailing_id", "=", mailing.id)]).send()
        self.env.flush_all()
