from odoo.tests import tagged

from .common import TicketCase

# the solved-ticket mail's subject and a sentence of its body, as ar.po, fa.po and th.po say
SOLVED = {
    "ar_001": ("تم حل %s", "نعتقد أنه تم حل طلبك"),
    "fa_IR": ("%s حل شد", "به نظر ما درخواست شما"),
    "th_TH": ("%s ได้รับการแก้ไขแล้ว", "เราเชื่อว่าคำขอ"),
}


@tagged("post_install", "-at_install")
class TestMailLanguage(TicketCase):
    """The service desk's customer mails go out in the customer's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in SOLVED:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(["crm_service"], list(SOLVED), overwrite=True)
        cls.template = cls.env.ref("crm_service.mail_template_ticket_solved")

    def render(self, partner):
        ticket = self.env["crm.ticket"].create(
            {"name": "Printer jam", "team_id": self.team.id, "partner_id": partner.id}
        )
        values = self.template._generate_template(ticket.ids, ("subject", "body_html"))[ticket.id]
        return ticket, values["subject"], values["body_html"]

    def test_solved_mail_in_each_customer_language(self):
        for code, (subject, sentence) in SOLVED.items():
            with self.subTest(lang=code):
                partner = self.env["res.partner"].create(
                    {"name": f"Customer {code}", "email": f"{code}@example.com", "lang": code}
                )
                ticket, rendered_subject, body = self.render(partner)
                self.assertEqual(rendered_subject, subject % ticket.number)
                self.assertIn(sentence, body)
                self.assertIn(f"Customer {code}", body)
                self.assertIn(ticket.number, body)
                self.assertNotIn("We believe", body)

    def test_english_customer_gets_english(self):
        partner = self.env["res.partner"].create(
            {"name": "Customer en", "email": "en@example.com", "lang": "en_US"}
        )
        ticket, subject, body = self.render(partner)
        self.assertEqual(subject, f"{ticket.number} is solved")
        self.assertIn("We believe your request", body)
