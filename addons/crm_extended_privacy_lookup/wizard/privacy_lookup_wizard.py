from odoo import _, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL


class PrivacyLookupWizard(models.TransientModel):
    _inherit = "privacy.lookup.wizard"

    def _get_query(self):
        """Core's lookup, plus the suite's records it skips (res.partner._crm_privacy_lookup_fields),
        each record once: a ticket may hold the person both as customer and by address."""
        query = super()._get_query()
        email = tools.email_normalize(self.email.strip()) or self.email.strip()
        extra = self.env["res.partner"]._crm_privacy_lookup_queries(
            email, SQL("SELECT id FROM indirect_references")
        )
        if not extra:
            return query
        # first occurrence of each record, in core's order (core's own tests read lines by index)
        return SQL(
            """
            SELECT res_model_id, res_id, is_active FROM (
                SELECT DISTINCT ON (res_model_id, res_id) res_model_id, res_id, is_active, crm_rank
                  FROM (SELECT q.*, row_number() OVER () AS crm_rank FROM (%s) AS q) AS ranked
              ORDER BY res_model_id, res_id, crm_rank
            ) AS crm_privacy_lookup
            ORDER BY crm_rank
            """,
            SQL(" UNION ALL ").join([query, *extra]),
        )


class PrivacyLookupWizardLine(models.TransientModel):
    _inherit = "privacy.lookup.wizard.line"

    def action_crm_anonymize_customer(self):
        """Anonymize the customer of a contact line with the suite's action (its own rights
        check: Sales administrators only); the privacy log records it."""
        self.ensure_one()
        if self.res_model != "res.partner" or self.is_unlinked:
            raise UserError(_("Only a contact found by the lookup can be anonymized."))
        partner = self.env["res.partner"].browse(self.res_id).exists()
        if not partner:
            raise UserError(_("The contact no longer exists."))
        partner.action_anonymize_customer()
        self.execution_details = _(
            "Anonymized %(model)s #%(id)s", model=self.res_model_id.name, id=self.res_id
        )
        return True
