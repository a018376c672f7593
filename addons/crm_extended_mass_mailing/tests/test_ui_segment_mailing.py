from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSegmentMailingTour(HttpCase):
    def test_segment_to_mailing_and_back(self):
        """A marketing and sales user (no administrator rights) goes from a segment to its
        mailing and back to the segment's results, in the browser."""
        marketer = self.env["res.users"].create(
            {
                "name": "Tour Marketer",
                "login": "crm_mm_tour",
                "password": "crm_mm_tour",
                "email": "tour.marketer@example.com",
                "groups_id": [
                    Command.set(
                        [
                            self.env.ref("mass_mailing.group_mass_mailing_user").id,
                            self.env.ref("sales_team.group_sale_salesman").id,
                        ]
                    )
                ],
            }
        )
        member = self.env["res.partner"].create(
            {"name": "Tour Member", "email": "tour.member@example.com", "comment": "crm-mm-tour"}
        )
        segment = self.env["crm.customer.segment"].create(
            {"name": "Tour Win-back", "rule_domain": "[('comment', '=', 'crm-mm-tour')]"}
        )
        segment._refresh_members()
        self.start_tour(
            "/odoo/action-crm_extended.action_crm_customer_segment",
            "crm_segment_mailing_tour",
            login=marketer.login,
        )
        mailing = self.env["mailing.mailing"].search([("crm_segment_id", "=", segment.id)])
        self.assertEqual(len(mailing), 1)
        self.assertEqual(mailing.create_uid, marketer)
        self.assertEqual(mailing.mailing_model_real, "res.partner")
        self.assertEqual(self.env["res.partner"].search(mailing._get_recipients_domain()), member)
