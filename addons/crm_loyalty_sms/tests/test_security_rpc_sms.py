"""The reward SMS attacked over JSON-RPC: only loyalty managers choose a trigger's SMS template,
only a template for contacts, and nobody sends the SMS by calling the step behind it."""

from odoo.addons.crm_extended.tests.rpc import RpcAttackCase
from odoo.addons.crm_loyalty.tests.common import LoyaltyFixtures
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestTriggerSmsRpc(LoyaltyFixtures, RpcAttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, loyalty_no_mail=True))
        cls.make_user("loyalty_manager", "crm_loyalty.group_crm_loyalty_manager")
        cls.make_user("loyalty_user", "crm_loyalty.group_crm_loyalty_user")
        cls.program = cls.make_program("RPC SMS Club")
        cls.template = cls.env.ref("crm_loyalty_sms.sms_template_trigger_reward")
        cls.order_template = cls.env["sms.template"].create(
            {"name": "Order SMS", "model_id": cls.env["ir.model"]._get_id("sale.order"), "body": "x"}
        )
        cls.trigger = cls.env["crm.loyalty.trigger"].create(
            {
                "name": "RPC birthday points",
                "condition": "birthday",
                "action": "points",
                "program_id": cls.program.id,
                "points": 10,
            }
        )
        cls.victim = cls.env["res.partner"].create({"name": "Victim", "mobile": "+32456003301"})

    def sms_of(self, partner):
        return self.env["sms.sms"].sudo().search([("partner_id", "=", partner.id)])

    def test_refusals_change_nothing(self):
        trigger = self.trigger.ids
        write_template = [trigger, {"sms_template_id": self.template.id}]
        rows = [
            # only loyalty managers of the trigger's company (sales administrators are) set its SMS
            *[
                (who, "crm.loyalty.trigger", "write", write_template, None)
                for who in ("portal", "employee", "salesman", "service", "loyalty_user", "other_company")
            ],
            *[
                (
                    who,
                    "crm.loyalty.trigger",
                    "create",
                    [{"name": "x", "sms_template_id": self.template.id}],
                    None,
                )
                for who in ("salesman", "loyalty_user")
            ],
            # a context key does not make a loyalty user a manager
            (
                "loyalty_user",
                "crm.loyalty.trigger",
                "write",
                write_template,
                {"crm_loyalty_trusted_ledger": True},
            ),
            # a template rendered on something else than the customer is refused, even to a manager
            (
                "loyalty_manager",
                "crm.loyalty.trigger",
                "write",
                [trigger, {"sms_template_id": self.order_template.id}],
                None,
            ),
            # nobody sends the reward SMS by hand
            *[
                (who, "crm.loyalty.trigger", "_crm_notify_by_sms", [trigger, self.victim.ids], None)
                for who in ("portal", "salesman", "loyalty_manager")
            ],
            # the SMS template itself is core's, edited by administrators only
            ("loyalty_manager", "sms.template", "write", [self.template.ids, {"body": "Send money"}], None),
        ]
        body = self.template.body
        for who, model, method, args, context in rows:
            with self.subTest(who=who, model=model, method=method, args=str(args)[:100]):
                self.assertRpcRefused(who, model, method, args, context=context)
        self.assertFalse(self.trigger.sms_template_id)
        self.assertEqual(self.template.body, body)
        self.assertFalse(self.sms_of(self.victim), "a refused call sent an SMS")
        self.assertFalse(self.env["crm.loyalty.trigger"].search([("name", "=", "x")]))

    def test_loyalty_manager_sets_the_sms_template(self):
        self.rpc(
            "loyalty_manager",
            "crm.loyalty.trigger",
            "write",
            [self.trigger.ids, {"sms_template_id": self.template.id}],
        )
        self.env.invalidate_all()
        self.assertEqual(self.trigger.sms_template_id, self.template)
        # the form shows it to him
        arch = self.rpc("loyalty_manager", "crm.loyalty.trigger", "get_views", [[[False, "form"]]])
        self.assertIn('name="sms_template_id"', arch["views"]["form"]["arch"])
