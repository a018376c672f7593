from odoo.tests import tagged

from ..models.crm_name_normalize import normalize_name, normalize_phone
from .common import CrmExtendedCase


@tagged("post_install", "-at_install")
class TestDuplicates(CrmExtendedCase):
    def _pairs(self):
        return {
            frozenset((c.partner_a_id.id, c.partner_b_id.id))
            for c in self.env["crm.duplicate.candidate"].search([("state", "=", "new")])
        }

    def test_arabic_and_persian_normalization(self):
        self.assertEqual(normalize_name("مُحَمَّد الأحمد"), normalize_name("محمد الاحمد"))
        self.assertEqual(normalize_name("مـحـمـد"), normalize_name("محمد"))  # tatweel
        self.assertEqual(normalize_name("علی رضایی"), normalize_name("علي رضائي"))  # Persian yeh, hamza
        self.assertEqual(normalize_name("مكتبة"), normalize_name("مکتبه"))  # keheh, taa marbuta
        self.assertEqual(normalize_name("Café Müller GmbH"), normalize_name("cafe muller"))
        self.assertNotEqual(normalize_name("محمد"), normalize_name("أحمد"))

    def test_phone_fallback_normalization(self):
        """Without the optional phonenumbers library, numbers still compare in E.164 form."""
        self.assertEqual(normalize_phone("+33 6 12 34 56 78"), "+33612345678")
        self.assertEqual(normalize_phone("0033 (6) 12-34-56-78"), "+33612345678")
        self.assertEqual(normalize_phone("06 12 34 56 78", 33), "+33612345678")
        self.assertEqual(normalize_phone("۰۹۱۲ ۳۴۵ ۶۷۸۹", 98), "+989123456789")  # Persian digits
        self.assertEqual(normalize_phone("٠٥٠١٢٣٤٥٦٧", 966), "+966501234567")  # Arabic-Indic digits
        self.assertFalse(normalize_phone(" - "))

    def test_scan_finds_latin_pairs(self):
        a = self.make_customer("Acme Industrial Supplies", email="Sales@Acme.example.com")
        b = self.make_customer("ACME Industrial Supplies Ltd.", email="sales@acme.example.com ")
        c = self.make_customer("Totally Different Bakery")
        p1 = self.make_customer("Phone One", phone="+33 6 12 34 56 78")
        p2 = self.make_customer("Other Name", phone="+33612345678")
        v1 = self.make_customer("Vat A", vat="BE 0477.472.701")
        v2 = self.make_customer("Vat B", vat="be0477472701")
        self.env["crm.duplicate.candidate"].action_scan()
        pairs = self._pairs()
        self.assertIn(frozenset((a.id, b.id)), pairs)
        self.assertIn(frozenset((p1.id, p2.id)), pairs)
        self.assertIn(frozenset((v1.id, v2.id)), pairs)
        self.assertNotIn(frozenset((a.id, c.id)), pairs)
        candidate = self.env["crm.duplicate.candidate"].search(
            [("partner_a_id", "=", a.id), ("partner_b_id", "=", b.id)]
        )
        self.assertIn("email", candidate.reasons)
        self.assertIn("name", candidate.reasons)
        self.assertGreaterEqual(candidate.score, 90)

    def test_scan_finds_arabic_pairs(self):
        a = self.make_customer("مؤسسة النور للتجارة")
        b = self.make_customer("مؤسسة النُّور للتجارة")
        c = self.make_customer("إسماعيل الحسيني")
        d = self.make_customer("اسماعيل الحسينى")
        e = self.make_customer("شركة الفجر")
        self.env["crm.duplicate.candidate"].action_scan()
        pairs = self._pairs()
        self.assertIn(frozenset((a.id, b.id)), pairs)
        self.assertIn(frozenset((c.id, d.id)), pairs)
        self.assertFalse({p for p in pairs if e.id in p})

    def test_dismissed_pair_is_not_proposed_again(self):
        a = self.make_customer("Same Name Trading")
        b = self.make_customer("Same Name Trading")
        Candidate = self.env["crm.duplicate.candidate"]
        Candidate.action_scan()
        candidate = Candidate.search([("partner_a_id", "=", a.id), ("partner_b_id", "=", b.id)])
        candidate.action_dismiss()
        self.assertEqual(candidate.state, "dismissed")
        self.assertEqual(Candidate.action_scan(), 0)
        self.assertNotIn(frozenset((a.id, b.id)), self._pairs())

    def test_merge_keeps_partner_a_and_all_linked_records(self):
        keep = self.make_customer("Merge Keep Co", email="keep@example.com")
        dup = self.make_customer("Merge Keep Co.", email="keep@example.com")
        dup_contact = self.env["res.partner"].create({"name": "Dup contact", "parent_id": dup.id})
        order = self.make_order(dup)
        invoice = self.make_invoice(dup, 250)
        lead = self.env["crm.lead"].create({"name": "Dup lead", "partner_id": dup.id})
        third = self.make_customer("Merge Keep Company", email="keep@example.com")
        Candidate = self.env["crm.duplicate.candidate"]
        Candidate.action_scan()
        candidate = Candidate.search([("partner_a_id", "=", keep.id), ("partner_b_id", "=", dup.id)])
        self.assertTrue(candidate)
        candidate.action_merge()
        self.assertFalse(dup.exists())
        self.assertEqual(candidate.state, "merged")
        self.assertEqual(candidate.partner_b_name, "Merge Keep Co.")
        self.assertEqual(order.partner_id, keep)
        self.assertEqual(invoice.partner_id, keep)
        self.assertEqual(lead.partner_id, keep)
        self.assertEqual(dup_contact.parent_id, keep)
        self.env.cr.flush()  # the 360 figures follow at commit time
        self.assertEqual(keep.order_count, 1)
        self.assertAlmostEqual(keep.lifetime_value, 250)
        # The pair keep/third is still there to review; pairs with the merged contact are gone.
        remaining = Candidate.search([("state", "=", "new")])
        self.assertIn(frozenset((keep.id, third.id)), self._pairs())
        self.assertFalse(remaining.filtered(lambda c: not c.partner_b_id))
