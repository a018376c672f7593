from odoo import models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    def _mark_done(self):
        """An answer to a ticket's invitation is done: its score lands on the ticket."""
        result = super()._mark_done()
        # core marks answers done for the public participant (as superuser in the survey
        # controller); the tickets are found by their own link, never by a caller's value
        tickets = self.env["crm.ticket"].sudo().search([("survey_user_input_id", "in", self.ids)])
        if tickets:
            tickets._crm_survey_done()
        return result
