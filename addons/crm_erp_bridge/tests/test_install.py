from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCrmErpBridgeInstall(TransactionCase):
    def test_cockpit_shows_confirmed_orders_only(self):
        action = self.env.ref("crm_erp_bridge.action_order_to_cash")
        orders = self.env["sale.order"].search(eval(action.domain))  # noqa: S307
        self.assertTrue(orders)
        self.assertEqual(set(orders.mapped("state")), {"sale"})
