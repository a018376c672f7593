from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestTicketTour(HttpCase):
    def test_ticket_kanban_form_and_log_interaction(self):
        ticket = self.env.ref("crm_service.ticket_demo_nile_late")
        self.start_tour("/odoo", "crm_suite_ticket_tour", login="admin")
        self.assertIn("Promised a new delivery date", ticket.interaction_ids.mapped("name"))
