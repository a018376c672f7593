from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCockpitTour(HttpCase):
    def test_cockpit_filters_and_batch_invoicing(self):
        if not self.env.ref("crm_erp_bridge.sale_order_demo_o2c_delivered", raise_if_not_found=False):
            self.skipTest("the tour runs on the demo orders")
        delivered = self.env.ref("crm_erp_bridge.sale_order_demo_o2c_delivered") | self.env.ref(
            "crm_erp_bridge.sale_order_demo_o2c_delivered_2"
        )
        paid = self.env.ref("crm_erp_bridge.sale_order_demo_o2c_paid")
        paid_invoices = paid.invoice_ids
        self.assertFalse(delivered.invoice_ids)
        self.start_tour("/odoo", "crm_erp_bridge_cockpit_tour", login="admin")
        self.assertEqual(len(delivered.invoice_ids), 2)
        self.assertEqual(set(delivered.invoice_ids.mapped("state")), {"draft"})
        self.assertEqual(paid.invoice_ids, paid_invoices)
