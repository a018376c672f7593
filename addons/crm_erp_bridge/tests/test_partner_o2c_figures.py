from odoo.tests import tagged

from .common import OrderToCashCommon


@tagged("post_install", "-at_install")
class TestPartnerO2CFigures(OrderToCashCommon):
    """A customer's order-to-cash totals (grouped by the orders' stored commercial customer)
    follow the orders wherever they move."""

    def test_merge_moves_totals_to_the_kept_company(self):
        other = self.env["res.partner"].create({"name": "O2C Buyer Co", "is_company": True})
        src = self.env["res.partner"].create({"name": "Same Buyer", "parent_id": self.customer.id})
        dst = self.env["res.partner"].create({"name": "Same Buyer", "parent_id": other.id})
        order = self._order([(self.service, 2)], partner=src)
        self._pay(self._invoice(order))
        self.assertEqual(self.customer.o2c_amount_ordered, 100.0)
        self.env["base.partner.merge.automatic.wizard"]._merge((src | dst).ids, dst)
        self.env.cr.flush()
        (self.customer | other).invalidate_recordset()
        self.assertEqual(self.customer.o2c_amount_ordered, 0.0)
        self.assertEqual(other.o2c_amount_ordered, 100.0)
        self.assertEqual(other.o2c_amount_paid, 100.0)

    def test_contact_moving_company_moves_totals(self):
        other = self.env["res.partner"].create({"name": "O2C New Employer", "is_company": True})
        buyer = self.env["res.partner"].create({"name": "Moving Buyer", "parent_id": self.customer.id})
        self._order([(self.service, 2)], partner=buyer)
        self.assertEqual(self.customer.o2c_amount_ordered, 100.0)
        buyer.parent_id = other
        (self.customer | other).invalidate_recordset()
        self.assertEqual(self.customer.o2c_amount_ordered, 0.0)
        self.assertEqual(other.o2c_amount_ordered, 100.0)
