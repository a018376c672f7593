"""Issue 14, privacy: anonymize a customer on request, export his data, marketing consent and
retention of interactions."""

import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CrmExtendedCase


@tagged("post_install", "-at_install")
class TestPrivacy(CrmExtendedCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, login="privacy_manager", groups="sales_team.group_sale_manager")
        cls.salesman = new_test_user(
            cls.env, login="privacy_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.customer = cls.make_customer(
            "Nadia Haddad Trading",
            email="nadia@haddad.example.com",
            phone="+33 6 12 34 56 78",
            street="12 Rue Secrète",
            city="Lyon",
            zip="69001",
            vat="FR12345678901",
            website="https://haddad.example.com",
            comment="<p>Prefers calls after 6pm</p>",
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Nadia Haddad",
                "parent_id": cls.customer.id,
                "email": "nadia.personal@example.com",
                "mobile": "+33 6 99 88 77 66",
            }
        )
        cls.interaction = cls.env["crm.interaction"].create(
            {"name": "Call about her divorce", "note": "<p>SECRET-NOTE</p>", "partner_id": cls.contact.id}
        )
        cls.look_alike = cls.make_customer("Nadia Haddad Trading SARL", email="nadia@haddad.example.com")
        cls.pair = cls.env["crm.duplicate.candidate"].create(
            {
                "partner_a_id": cls.customer.id,
                "partner_b_id": cls.look_alike.id,
                "score": 90,
                "reasons": "email",
            }
        )
        cls.env["crm.rfm.history"].create(
            {"partner_id": cls.customer.id, "date": fields.Date.today(), "new_segment": "loyal"}
        )
        cls.segment = cls.env["crm.customer.segment"].create(
            {"name": "Lyon", "rule_domain": "[('city', '=', 'Lyon')]"}
        )
        cls.segment._refresh_members()
        cls.customer.message_post(body="SECRET-PARTNER-MESSAGE", message_type="comment")
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Big deal",
                "partner_id": cls.contact.id,
                "contact_name": "Nadia Haddad",
                "email_from": "nadia.personal@example.com",
                "phone": "+33 6 99 88 77 66",
                "description": "<p>SECRET-LEAD</p>",
            }
        )
        cls.lead.message_post(body="SECRET-LEAD-MESSAGE", message_type="comment")
        cls.order = cls.make_order(cls.customer, amount=250.0)
        cls.invoice = cls.make_invoice(cls.customer, 250.0)

    def _settle_invoice(self):
        """A credit note reconciled with the invoice: nothing left open."""
        self.invoice._reverse_moves(cancel=True)

    def test_anonymize_removes_personal_data_and_keeps_amounts(self):
        self._settle_invoice()
        moves = self.env["account.move"].search([("partner_id", "child_of", self.customer.id)])
        totals = {m.id: (m.amount_total, m.amount_residual, m.state) for m in moves}
        order_total = self.order.amount_total
        self.customer.with_user(self.manager).action_anonymize_customer()
        customer, contact = self.customer.with_context(active_test=False), self.contact
        self.assertEqual(customer.name, f"Anonymized customer #{customer.id}")
        self.assertEqual(contact.name, f"Anonymized customer #{contact.id}")
        for partner in customer | contact:
            self.assertFalse(partner.active, "anonymized contacts are archived")
            self.assertTrue(partner.crm_anonymized_date)
            self.assertTrue(partner.crm_marketing_opt_out)
            for fname in ("email", "phone", "mobile", "street", "city", "zip", "vat", "website", "comment"):
                self.assertFalse(partner[fname], f"{fname} of {partner.name} kept")
            self.assertFalse(partner.image_1920)
        self.assertEqual(self.interaction.name, "Anonymized interaction")
        self.assertFalse(self.interaction.note)
        self.assertTrue(self.interaction.is_anonymized)
        self.assertFalse(self.pair.exists(), "duplicate pairs naming him are removed")
        for fname in ("contact_name", "email_from", "phone", "description"):
            self.assertFalse(self.lead[fname], f"lead {fname} kept")
        self.assertEqual(self.lead.name, "Big deal")
        self.assertNotIn("SECRET", " ".join(str(b) for b in self.lead.message_ids.mapped("body")))
        self.assertFalse(self.env["crm.rfm.history"].search([("partner_id", "=", customer.id)]))
        self.assertNotIn(customer, self.segment.partner_ids)
        bodies = customer.message_ids.mapped("body")
        self.assertFalse([b for b in bodies if "SECRET" in str(b)], bodies)
        self.assertIn("anonymized on request", str(customer.message_ids[0].body), "the action is logged")
        timeline = self.env["crm.partner.timeline"].search([("partner_id", "=", customer.id)])
        self.assertFalse([row for row in timeline.mapped("name") if row and "SECRET" in row])
        # accounting and sales keep their amounts
        for move in moves:
            self.assertEqual((move.amount_total, move.amount_residual, move.state), totals[move.id])
        self.assertEqual(self.order.amount_total, order_total)
        # a second call is harmless
        logged = len(customer.message_ids)
        customer.with_user(self.manager).action_anonymize_customer()
        self.assertEqual(len(customer.message_ids), logged)

    def test_anonymize_refusals(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).action_anonymize_customer()
        # an open invoice: accounting first
        with self.assertRaisesRegex(UserError, "invoice"):
            self.customer.with_user(self.manager).action_anonymize_customer()
        self.assertEqual(self.customer.email, "nadia@haddad.example.com")
        self.assertTrue(self.customer.active)

    def test_another_company_records_block_anonymization(self):
        """The suite's records are cleared as superuser: an administrator of one company may not
        wipe what another company holds on a shared contact (here an interaction)."""
        other = self.env["res.company"].create({"name": "Other Branch"})
        theirs = self.env["crm.interaction"].create(
            {
                "name": "Their call",
                "note": "<p>THEIR-NOTE</p>",
                "partner_id": self.contact.id,
                "company_id": other.id,
            }
        )
        with self.assertRaisesRegex(UserError, "company you do not work in"):
            self.customer.with_user(self.manager).action_anonymize_customer()
        self.assertIn("THEIR-NOTE", theirs.note)
        self.assertEqual(self.contact.name, "Nadia Haddad")

    def test_bookkeeping_is_not_taken_from_vals(self):
        self.contact.write(
            {"crm_anonymized_date": fields.Datetime.now(), "crm_marketing_opt_out_date": "2000-01-01"}
        )
        self.assertFalse(self.contact.crm_anonymized_date)
        self.assertFalse(self.contact.crm_marketing_opt_out_date)
        self.contact.crm_marketing_opt_out = True
        self.assertEqual(self.contact.crm_marketing_opt_out_date, fields.Date.context_today(self.contact))
        self.interaction.write({"is_anonymized": True})
        self.assertFalse(self.interaction.is_anonymized)

    def test_export_content(self):
        action = self.customer.with_user(self.manager).action_export_customer_data()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(str(self.customer.id), action["url"])
        name, content = self.contact.with_user(self.manager)._crm_export_json()
        self.assertTrue(name.endswith(".json"))
        data = json.loads(content)
        self.assertEqual(data["customer"]["email"], "nadia@haddad.example.com")
        self.assertEqual([c["email"] for c in data["contacts"]], ["nadia.personal@example.com"])
        self.assertEqual(data["customer_360"]["order_count"], self.customer.order_count)
        self.assertEqual(data["interactions"][0]["summary"], "Call about her divorce")
        self.assertIn("SECRET-NOTE", data["interactions"][0]["note"])

    def test_export_refused(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).action_export_customer_data()
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman)._crm_export_json()

    def test_marketing_consent(self):
        Partner = self.env["res.partner"]
        ok = Partner.create({"name": "Ok", "email": "ok@example.com", "phone": "+33 6 10 00 00 01"})
        blacklisted = Partner.create({"name": "Bl", "email": "bl@example.com", "phone": "+33 6 10 00 00 02"})
        opted_out = Partner.create({"name": "Out", "email": "out@example.com", "crm_marketing_opt_out": True})
        company_out = Partner.create(
            {"name": "Co", "is_company": True, "email": "co@example.com", "crm_marketing_opt_out": True}
        )
        employee = Partner.create({"name": "Emp", "email": "emp@example.com", "parent_id": company_out.id})
        no_email = Partner.create({"name": "No email"})
        self.env["mail.blacklist"]._add("bl@example.com")
        self.env["phone.blacklist"]._add([blacklisted.phone_e164])
        everyone = ok | blacklisted | opted_out | company_out | employee | no_email
        self.assertEqual(everyone._crm_marketing_allowed("email"), ok)
        self.assertEqual((ok | blacklisted)._crm_marketing_allowed("sms"), ok)
        self.assertEqual(
            Partner.search([("id", "in", everyone.ids), *Partner._crm_marketing_domain("email")]), ok
        )
        # a segment's email goes to the members who may receive marketing only
        segment = self.env["crm.customer.segment"].create(
            {"name": "Everyone", "rule_domain": f"[('id', 'in', {everyone.ids})]"}
        )
        segment._refresh_members()
        action = segment.action_send_email()
        self.assertEqual(action["context"]["default_res_ids"], ok.ids)
        segment.rule_domain = f"[('id', 'in', {(blacklisted | opted_out).ids})]"
        segment._refresh_members()
        with self.assertRaises(ValidationError):
            segment.action_send_email()

    def test_retention_of_interactions(self):
        old = self.env["crm.interaction"].create(
            {
                "name": "Old call",
                "note": "<p>old</p>",
                "partner_id": self.customer.id,
                "date": fields.Datetime.now() - timedelta(days=3 * 366),
            }
        )
        Partner = self.env["res.partner"]
        Partner._cron_crm_retention()
        self.assertEqual(old.name, "Old call", "0 years: kept")
        self.env["ir.config_parameter"].set_param("crm_extended.retention_interaction_years", "2")
        Partner._cron_crm_retention(limit=1)
        self.assertTrue(old.is_anonymized)
        self.assertFalse(old.note)
        self.assertEqual(self.interaction.name, "Call about her divorce", "recent ones stay")
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"crm_retention_interaction_years": 500})
