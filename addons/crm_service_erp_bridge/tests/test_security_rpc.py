"""Returns and credit notes from service tickets, over JSON-RPC as real users of every kind
(crm_erp_bridge's security case, with a return ticket)."""

from odoo import Command
from odoo.addons.crm_erp_bridge.tests import test_security_rpc
from odoo.addons.crm_extended.tests.rpc import REFUSALS
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException

ALLOWED, REFUSED = "allowed", "refused"


@tagged("post_install", "-at_install")
class TestServiceReturnSecurityRpc(test_security_rpc.TestBridgeSecurityRpc):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_user("return_desk", "stock.group_stock_user,crm_extended.group_crm_service_user")
        # a return ticket on a delivered and invoiced order, and another delivered order
        cls.return_order = cls._delivered_order(3)
        cls.other_delivered = cls._delivered_order(2)
        cls.ticket = cls.env["crm.ticket"].create(
            {
                "name": "Kettle leaks",
                "partner_id": cls.portal_partner.id,
                "ticket_type_id": cls.env.ref("crm_service.ticket_type_return").id,
                "team_id": cls.env["crm.ticket.team"].create({"name": "Returns desk"}).id,
                "sale_order_id": cls.return_order.id,
            }
        )

    def test_portal_reads_no_ticket_links(self):
        invoice = self.portal_invoice
        table = [
            ("portal", "account.move", "read", [invoice.ids, [fname]], None, None, REFUSED)
            for fname in ("crm_ticket_id", "crm_return_picking_id")
        ]
        table += [
            ("portal", "crm.ticket", "read", [self.ticket.ids, [fname]], None, None, REFUSED)
            for fname in ("return_picking_ids", "credit_note_ids", "credit_note_count", "can_create_return")
        ]
        table += [("portal", "crm.ticket", "read", [self.ticket.ids, ["name"]], None, None, ALLOWED)]
        self.run_table(table, self.portal_order)

    def _return(self, who, picking, ticket, qty):
        """Odoo's return wizard as ``who``, opened from ``ticket`` (its key in the context) on
        ``picking``, returning ``qty`` of its first line."""
        context = {
            "active_id": picking.id,
            "active_ids": picking.ids,
            "active_model": "stock.picking",
            "crm_ticket_id": ticket.id,
        }
        wizard = self.rpc(who, "stock.return.picking", "create", [{}], None, context)
        [lines] = self.rpc(
            who, "stock.return.picking", "read", [[wizard], ["product_return_moves"]], None, context
        )
        line_id = lines["product_return_moves"][0]
        self.rpc(
            who,
            "stock.return.picking",
            "write",
            [[wizard], {"product_return_moves": [Command.update(line_id, {"quantity": qty})]}],
            None,
            context,
        )
        return self.rpc(who, "stock.return.picking", "action_create_returns", [[wizard]], None, context)

    def test_ticket_returns(self):
        ticket, order, other = self.ticket, self.return_order, self.other_delivered
        delivery, other_delivery = order.picking_ids, other.picking_ids
        credit_note = self.env["account.move"].create(
            {"move_type": "out_refund", "partner_id": self.client.id}
        )
        orders = order | other
        table = [
            # who may start a return from a ticket
            ("portal", "crm.ticket", "action_create_return", [ticket.ids], None, None, REFUSED),
            ("employee", "crm.ticket", "action_create_return", [ticket.ids], None, None, REFUSED),
            ("service", "crm.ticket", "action_create_return", [ticket.ids], None, None, REFUSED),
            ("warehouse", "crm.ticket", "action_create_return", [ticket.ids], None, None, REFUSED),
            ("return_desk", "crm.ticket", "action_create_return", [ticket.ids], None, None, ALLOWED),
            # the links are our flow's bookkeeping, never a caller's values
            (
                "warehouse",
                "stock.picking",
                "write",
                [other_delivery.ids, {"crm_ticket_id": ticket.id}],
                None,
                None,
                REFUSED,
            ),
            (
                "return_desk",
                "stock.picking",
                "write",
                [other_delivery.ids, {"crm_ticket_id": ticket.id}],
                None,
                None,
                REFUSED,
            ),
            (
                "sales_admin",
                "stock.picking",
                "write",
                [delivery.ids, {"crm_ticket_id": ticket.id}],
                None,
                None,
                REFUSED,
            ),
            (
                "accountant",
                "account.move",
                "write",
                [credit_note.ids, {"crm_ticket_id": ticket.id}],
                None,
                None,
                REFUSED,
            ),
            (
                "accountant",
                "account.move",
                "write",
                [credit_note.ids, {"crm_return_picking_id": delivery.id}],
                None,
                None,
                REFUSED,
            ),
            (
                "accountant",
                "account.move",
                "create",
                [{"move_type": "out_refund", "partner_id": self.client.id, "crm_ticket_id": ticket.id}],
                None,
                None,
                REFUSED,
            ),
        ]
        self.run_table(table, orders)
        self.assertFalse(ticket.return_picking_ids)
        self.assertFalse(ticket.credit_note_ids)

        # the ticket's key in the context grants nothing: not for a user who may not change
        # the ticket, nor for a delivery of another order
        for who, picking in (("warehouse", delivery), ("return_desk", other_delivery)):
            with self.subTest(who=who, picking=picking.name):
                before = self.snapshot(orders)
                with self.assertRaises(JsonRpcException) as caught:
                    self._return(who, picking, ticket, 1)
                self.assertIn(str(caught.exception), REFUSALS)
                self.env.invalidate_all()
                self.assertUnchanged(orders, before)
                self.assertFalse(ticket.return_picking_ids)
                self.assertFalse(ticket.credit_note_ids)

        # the return desk through the flow: linked return; validating it proposes the credit
        # note although the desk has no accounting rights; an accountant posts it, which
        # closes the ticket although he has no service rights
        self._return("return_desk", delivery, ticket, 3)
        self.env.invalidate_all()
        returned = ticket.return_picking_ids
        self.assertEqual(len(returned), 1)
        self.assertEqual(returned.move_ids.product_uom_qty, 3)
        self.rpc(
            "return_desk", "stock.move", "write", [returned.move_ids.ids, {"quantity": 3, "picked": True}]
        )
        self.rpc("return_desk", "stock.picking", "button_validate", [returned.ids])
        self.env.invalidate_all()
        self.assertEqual(returned.state, "done")
        proposed = ticket.credit_note_ids
        self.assertEqual(len(proposed), 1)
        self.assertEqual(proposed.state, "draft")
        self.assertEqual(proposed.invoice_line_ids.sale_line_ids, order.order_line)
        self.assertRpcRefused("return_desk", "account.move", "action_post", [proposed.ids])
        self.rpc("accountant", "account.move", "action_post", [proposed.ids])
        self.env.invalidate_all()
        self.assertEqual(proposed.state, "posted")
        self.assertTrue(ticket.is_closed)


# crm_erp_bridge's own tests run in crm_erp_bridge, not a second time here
for _name, _member in vars(test_security_rpc.TestBridgeSecurityRpc).items():
    if _name.startswith("test_") and callable(_member):
        setattr(TestServiceReturnSecurityRpc, _name, None)
