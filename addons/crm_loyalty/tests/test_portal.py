from odoo import Command
from odoo.addons.crm_loyalty.models.crm_loyalty_ledger import trusted
from odoo.tests import HttpCase, new_test_user, tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestLoyaltyPortal(HttpCase, LoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, login="layla_portal", groups="base.group_portal", partner_id=cls.customer.id
        )
        cls.stranger = cls.env["res.partner"].create({"name": "Someone Else"})
        cls.coupon_program = cls.env["loyalty.program"].create(
            {
                "name": "Welcome Coupons",
                "program_type": "coupons",
                "reward_ids": [Command.create({"reward_type": "discount", "discount": 15})],
            }
        )

    def test_my_loyalty_shows_own_tier_progress_expiry_history_and_coupons(self):
        self.order(150)  # 150 points: Silver, 350 to Gold
        card = self.card()
        self.env["loyalty.card"].create(
            {
                "program_id": self.coupon_program.id,
                "partner_id": self.customer.id,
                "points": 1,
                "code": "LAYLA15",
            }
        )
        other = self.env["loyalty.card"].create(
            {"program_id": self.program.id, "partner_id": self.stranger.id, "points": 777}
        )
        self.env["loyalty.card"].create(
            {
                "program_id": self.coupon_program.id,
                "partner_id": self.stranger.id,
                "points": 1,
                "code": "NOTYOURS",
            }
        )
        # the award expires within the warning window (not expired by the cron yet)
        trusted(card.crm_ledger_ids.filtered(lambda h: h.issued).sudo()).write({"expiry_date": "2000-01-01"})
        self.authenticate("layla_portal", "layla_portal")
        response = self.url_open("/my/loyalty")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn("Silver", page)
        self.assertIn("points to", page)
        self.assertIn("Gold", page)
        self.assertIn("o_crm_loyalty_expiring", page)
        self.assertIn("Order S", page, "the history lists the order that earned the points")
        self.assertIn("LAYLA15", page)
        self.assertNotIn("NOTYOURS", page, "another customer's coupon never shows")
        self.assertNotIn(other.points_display, page)
        home = self.url_open("/my/home")
        self.assertIn("/my/loyalty", home.text)
