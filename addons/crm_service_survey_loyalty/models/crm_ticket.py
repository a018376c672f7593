import logging

import psycopg2

from odoo import models

_logger = logging.getLogger(__name__)


class CrmTicket(models.Model):
    _inherit = "crm.ticket"

    def _crm_survey_done(self):
        result = super()._crm_survey_done()
        self._crm_survey_reward()
        return result

    def _crm_survey_reward(self):
        """Points of the loyalty programs that reward a ticket survey, for the customers of
        these tickets whose invitation was just answered: once per invitation and program.

        Reached from a completed answer only (survey.user_input._mark_done, run as superuser by
        core's survey controller for the participant); the tickets and their customers are
        found by the ticket's own link, never by a caller's value. An award already in the
        ledger is not paid again, and the ledger's unique key on (program, answer) stops a
        concurrent transaction paying the same answer: it then pays nothing."""
        tickets = self.sudo().filtered(
            lambda t: t.survey_user_input_id.state == "done" and t.commercial_partner_id
        )
        if not tickets:
            return
        programs = (
            self.env["loyalty.program"]
            .sudo()
            .search(
                [
                    ("program_type", "=", "loyalty"),
                    ("crm_survey_reward_points", ">", 0),
                    ("company_id", "in", [*tickets.company_id.ids, False]),
                ]
            )
        )
        Ledger = self.env["crm.loyalty.ledger"].sudo()
        for program in programs:
            due = tickets.filtered(lambda t, p=program: not p.company_id or t.company_id == p.company_id)
            paid = Ledger.search(
                [
                    ("program_id", "=", program.id),
                    ("order_model", "=", "survey.user_input"),
                    ("order_id", "in", due.survey_user_input_id.ids),
                    ("entry_type", "=", "earn"),
                ]
            ).mapped("order_id")
            due = due.filtered(lambda t, paid=paid: t.survey_user_input_id.id not in paid)
            if not due:
                continue
            awards = [
                (
                    ticket.commercial_partner_id,
                    program.crm_survey_reward_points,
                    ticket.survey_user_input_id,
                    self.env._("Survey of ticket %(number)s answered", number=ticket.number),
                )
                for ticket in due
            ]
            try:
                with self.env.cr.savepoint():
                    program._crm_award_points(awards)
            except psycopg2.errors.UniqueViolation:
                _logger.info(
                    "Survey answers %s already rewarded by program %s in another transaction",
                    due.survey_user_input_id.ids,
                    program.id,
                )
