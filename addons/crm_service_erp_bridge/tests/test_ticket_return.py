from odoo import Command
from odoo.addons.crm_erp_bridge.tests.common import DeliveredOrderCase
from odoo.exceptions import UserError
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestTicketReturn(DeliveredOrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.type_return = cls.env.ref("crm_service.ticket_type_return")
        cls.team = cls.env["crm.ticket.team"].create({"name": "Returns desk"})

    def make_ticket(self, order, **vals):
        return self.env["crm.ticket"].create(
            {
                "name": "Kettle leaks",
                "partner_id": self.customer.id,
                "team_id": self.team.id,
                "ticket_type_id": self.type_return.id,
                "sale_order_id": order.id,
                **vals,
            }
        )

    def return_through_wizard(self, ticket, qty):
        action = ticket.action_create_return()
        self.assertEqual(action["res_model"], "stock.return.picking")
        wizard = self.env["stock.return.picking"].with_context(**action["context"]).create({})
        wizard.product_return_moves.quantity = qty
        wizard.action_create_returns()
        return_picking = ticket.return_picking_ids
        self.assertEqual(len(return_picking), 1)
        return return_picking

    def test_return_then_credit_note_then_close(self):
        order = self.make_delivered_order()
        ticket = self.make_ticket(order)
        self.assertTrue(ticket.can_create_return)
        return_picking = self.return_through_wizard(ticket, 2)
        self.assertEqual(return_picking.crm_ticket_id, ticket)
        self.assertFalse(ticket.credit_note_ids, "no credit note before the goods are back")

        return_picking.move_ids.quantity = 2
        return_picking.button_validate()
        self.assertEqual(return_picking.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 3)
        credit_note = ticket.credit_note_ids
        self.assertEqual(len(credit_note), 1)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "draft")
        self.assertEqual(credit_note.invoice_line_ids.quantity, 2)
        self.assertEqual(credit_note.amount_untaxed, 80.0)
        self.assertEqual(credit_note.invoice_line_ids.sale_line_ids, order.order_line)
        self.assertEqual(order.order_line.qty_invoiced, 3, "the draft credit note already counts")
        self.assertFalse(ticket.is_closed, "still waiting for the credit note to be posted")

        credit_note.action_post()
        self.assertTrue(ticket.is_closed)
        self.assertEqual(ticket.return_picking_count, 1)
        self.assertEqual(ticket.credit_note_count, 1)
        # links back from the documents
        self.assertEqual(return_picking.action_view_crm_ticket()["res_id"], ticket.id)
        self.assertEqual(credit_note.action_view_crm_ticket()["res_id"], ticket.id)

    def test_nothing_invoiced_closes_on_receipt(self):
        order = self.make_delivered_order(invoice=False)
        ticket = self.make_ticket(order)
        return_picking = self.return_through_wizard(ticket, 1)
        return_picking.move_ids.quantity = 1
        return_picking.button_validate()
        self.assertFalse(ticket.credit_note_ids, "nothing was invoiced, nothing to credit")
        self.assertTrue(ticket.is_closed)

    def test_refused_without_return_type_or_delivery(self):
        order = self.make_delivered_order(invoice=False)
        question = self.make_ticket(order, ticket_type_id=self.env.ref("crm_service.ticket_type_question").id)
        self.assertFalse(question.can_create_return)
        with self.assertRaises(UserError):
            question.action_create_return()
        quotation = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )
        with self.assertRaises(UserError):
            self.make_ticket(quotation).action_create_return()
        with self.assertRaises(UserError):
            self.make_ticket(self.env["sale.order"]).action_create_return()
