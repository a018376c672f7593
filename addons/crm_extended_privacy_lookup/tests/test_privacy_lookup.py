"""Core's privacy lookup finds a person in every model of crm_extended, and anonymizes him
from its results."""

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestPrivacyLookup(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.person = Partner.create({"name": "Samira Lookup", "email": "samira.lookup@example.com"})
        cls.twin = Partner.create({"name": "Samira Lookup Twin", "email": "samira.lookup@example.com"})
        cls.stranger = Partner.create({"name": "Other Person", "email": "other.person@example.com"})
        cls.interaction = cls.env["crm.interaction"].create({"name": "Call", "partner_id": cls.person.id})
        cls.pair = cls.env["crm.duplicate.candidate"].create(
            {"partner_a_id": cls.stranger.id, "partner_b_id": cls.person.id, "score": 90, "reasons": "email"}
        )
        cls.history = cls.env["crm.rfm.history"].create(
            {"partner_id": cls.person.id, "date": fields.Date.today(), "new_segment": "loyal"}
        )

    def lookup(self):
        wizard = self.env["privacy.lookup.wizard"].create(
            {"name": "Samira Lookup", "email": "samira.lookup@example.com"}
        )
        wizard.action_lookup()
        return wizard

    def test_every_suite_model_is_found(self):
        lines = self.lookup().line_ids
        found = {(line.res_model, line.res_id) for line in lines}
        for record in (self.person, self.interaction, self.pair, self.history):
            self.assertIn((record._name, record.id), found, f"{record._name} not found by the lookup")
        self.assertEqual(len(found), len(lines), "each record once")
        self.assertNotIn(("res.partner", self.stranger.id), found)

    def test_anonymize_from_the_lookup(self):
        wizard = self.lookup()
        line = wizard.line_ids.filtered(
            lambda li: li.res_model == "res.partner" and li.res_id == self.person.id
        )
        line.action_crm_anonymize_customer()
        self.assertTrue(self.person.crm_anonymized_date)
        self.assertFalse(self.person.email)
        self.assertIn("Anonymized", wizard.execution_details)
        self.assertIn("Anonymized", wizard.log_id.execution_details, "the privacy log records it")
