from odoo.tests import tagged

from .common import CrmExtendedCase


@tagged("post_install", "-at_install")
class TestDataQuality(CrmExtendedCase):
    def test_completeness_weighted(self):
        weights = self.env["crm.completeness.weight"]._get_weights()
        total = sum(weights.values())
        partner = self.make_customer("Sparse", email="a@example.com")
        self.assertEqual(partner.data_completeness, round(100 * weights["email"] / total))
        partner.write(
            {
                "phone": "+20 2 1234 5678",
                "street": "1 Main St",
                "city": "Cairo",
                "country_id": self.env.ref("base.eg").id,
                "vat": "EG123",
                "user_id": self.env.user.id,
            }
        )
        self.assertEqual(partner.data_completeness, 100)
        incomplete = self.env["res.partner"].search(
            [("data_completeness", "<", 100), ("id", "=", partner.id)]
        )
        self.assertFalse(incomplete)

    def test_changing_weights_recomputes(self):
        partner = self.make_customer("Only email", email="b@example.com")
        Weight = self.env["crm.completeness.weight"]
        Weight.search([]).unlink()
        Weight.create({"field_name": "email", "weight": 1})
        self.env.cr.flush()  # every contact is recomputed once, at commit
        self.assertEqual(partner.data_completeness, 100)
        Weight.create({"field_name": "vat", "weight": 3})
        self.env.cr.flush()
        self.assertEqual(partner.data_completeness, 25)

    def test_unchanged_weights_score_nobody_again(self):
        """Installing writes the default weights as records: the contacts, scored with those
        weights already, are not read again at commit (on a big database that is every contact)."""
        partner = self.make_customer("Scored", email="s@example.com")
        self.env["res.partner"]._crm_fill_quality(["data_completeness"])
        weight = self.env.ref("crm_extended.completeness_weight_email")
        self.env.cr.execute("UPDATE res_partner SET data_completeness = 1 WHERE id = %s", [partner.id])
        partner.invalidate_recordset(["data_completeness"])
        weight.write({"weight": weight.weight})  # the same weights
        self.env.cr.flush()
        partner.invalidate_recordset(["data_completeness"])
        self.assertEqual(partner.data_completeness, 1, "same weights: nobody is scored again")
        weight.write({"weight": weight.weight + 5})
        self.env.cr.flush()
        partner.invalidate_recordset(["data_completeness"])
        self.assertNotEqual(partner.data_completeness, 1, "other weights: every contact is scored again")

    def test_completeness_by_salesperson(self):
        self.make_customer("Mine", email="m@example.com", user_id=self.env.user.id)
        groups = self.env["res.partner"]._read_group(
            [("user_id", "=", self.env.user.id)], ["user_id"], ["data_completeness:avg"]
        )
        self.assertTrue(groups and 0 < groups[0][1] <= 100)
