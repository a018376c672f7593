"""Who may do what with the bridge, proven over JSON-RPC as real users of every kind.

Each table row is (who, model, method or attack, expected); after every refusal the documents
involved (orders, invoices, pickings, credit notes, messages) are checked unchanged, with the
order-to-cash cron run where it would recompute them.
"""

from odoo import Command
from odoo.addons.crm_extended.tests.rpc import REFUSALS, RpcAttackCase
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException

ALLOWED, REFUSED = "allowed", "refused"


@tagged("post_install", "-at_install")
class TestBridgeSecurityRpc(RpcAttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.make_user("accountant", "account.group_account_invoice")
        cls.make_user("back_office", "crm_erp_bridge.group_crm_erp_bridge_back_office")
        cls.make_user("warehouse", "stock.group_stock_user")
        # a user of both companies, to read figures across them
        cls.make_user("both_companies", "sales_team.group_sale_manager")
        cls.users["both_companies"].company_ids = [Command.set((cls.company_a | cls.company_b).ids)]

        # company B works in EUR, at 2 EUR for 1 USD (company A's currency)
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        if cls.company_a.currency_id == cls.eur:
            cls.eur = cls.env.ref("base.USD")
            cls.eur.active = True
        cls.company_b.currency_id = cls.eur
        cls.env["res.currency.rate"].search([("currency_id", "=", cls.eur.id)]).unlink()
        cls.env["res.currency.rate"].create(
            {"currency_id": cls.eur.id, "name": "2000-01-01", "rate": 2.0, "company_id": cls.company_a.id}
        )

        cls.company_a.credit_control_policy = "block"
        cls.service_product = cls.env["product.product"].create(
            {
                "name": "Consulting",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.goods = cls.env["product.product"].create(
            {
                "name": "Kettle",
                "is_storable": True,
                "invoice_policy": "order",
                "list_price": 40.0,
                "taxes_id": [Command.clear()],
            }
        )
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company_a.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(cls.goods, warehouse.lot_stock_id, 100)

        # a customer on credit hold, and the salesperson's blocked quotation
        cls.customer = cls.env["res.partner"].create({"name": "Credit Hold Ltd", "is_company": True})
        cls.customer.with_company(cls.company_a).credit_limit = 100.0
        cls.blocked = cls._order(cls.customer, 5, user="salesman", confirm=False)

        # a customer with confirmed orders of two salespeople and of company B
        cls.client = cls.env["res.partner"].create({"name": "Shared Client", "is_company": True})
        cls.own_order = cls._order(cls.client, 1, user="salesman")  # 100 USD
        cls.colleague_order = cls._order(cls.client, 2, user="sales_admin")  # 200 USD
        cls.order_b = cls._order(cls.client, 3, user="other_company", company=cls.company_b)  # 300 EUR

        # the portal customer's own invoiced order
        cls.portal_partner = cls.users["portal"].partner_id
        cls.portal_order = cls._order(cls.portal_partner, 1, user="sales_admin")
        cls.portal_invoice = cls.portal_order._create_invoices()
        cls.portal_invoice.action_post()

    @classmethod
    def _order(cls, partner, qty, user, confirm=True, company=None, product=None):
        company = company or cls.company_a
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "user_id": cls.users[user].id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {"product_id": (product or cls.service_product).id, "product_uom_qty": qty}
                        )
                    ],
                }
            )
        )
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def _delivered_order(cls, qty):
        cls.customer_ok = getattr(cls, "customer_ok", None) or cls.env["res.partner"].create(
            {"name": "Return Customer"}
        )
        order = cls._order(cls.customer_ok, qty, user="sales_admin", product=cls.goods)
        picking = order.picking_ids
        picking.move_ids.quantity = qty
        picking.move_ids.picked = True
        picking._action_done()
        order._create_invoices().action_post()
        return order

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def snapshot(self, orders):
        """What a refused attack must leave as it was."""
        self.env.invalidate_all()
        return {
            order.id: (
                order.state,
                order.order_to_cash_state,
                len(order.message_ids),
                order.invoice_ids.ids,
                order.picking_ids.ids,
            )
            for order in orders
        }

    def assertUnchanged(self, orders, before):
        self.env["sale.order"]._cron_recompute_order_to_cash()
        self.assertEqual(self.snapshot(orders), before)

    def run_table(self, table, orders):
        """Play each (who, model, method, args, kwargs, context, expected) row; after a refusal
        the ``orders`` and what hangs on them are unchanged."""
        for who, model, method, args, kwargs, context, expected in table:
            with self.subTest(who=who, model=model, method=method, context=context):
                before = self.snapshot(orders)
                if expected == REFUSED:
                    self.assertRpcRefused(who, model, method, args, kwargs, context)
                    self.assertUnchanged(orders, before)
                else:
                    self.rpc(who, model, method, args, kwargs, context)

    # ------------------------------------------------------------------
    # Finding 3: the credit block is skipped by a context key
    # ------------------------------------------------------------------

    def test_credit_override_only_through_the_wizard(self):
        self.assertTrue(self.blocked.is_credit_blocked)
        order = self.blocked
        keys = [True, 1, "yes", {"reason": "I say so"}, [1]]
        table = [
            (
                who,
                "sale.order",
                "action_confirm",
                [order.ids],
                None,
                {"credit_control_override": key},
                REFUSED,
            )
            for who in ("salesman", "sales_admin", "back_office")
            for key in keys
        ] + [
            (
                "portal",
                "sale.order",
                "action_confirm",
                [order.ids],
                None,
                {"credit_control_override": True},
                REFUSED,
            ),
            (
                "employee",
                "sale.order",
                "action_confirm",
                [order.ids],
                None,
                {"credit_control_override": True},
                REFUSED,
            ),
            (
                "other_company",
                "sale.order",
                "action_confirm",
                [order.ids],
                None,
                {"credit_control_override": True},
                REFUSED,
            ),
            # the wizard: managers only, of the order's company
            (
                "salesman",
                "sale.order.credit.override",
                "create",
                [{"order_ids": [Command.set(order.ids)], "reason": "customer is fine"}],
                None,
                None,
                REFUSED,
            ),
            (
                "back_office",
                "sale.order.credit.override",
                "create",
                [{"order_ids": [Command.set(order.ids)], "reason": "customer is fine"}],
                None,
                None,
                REFUSED,
            ),
            ("salesman", "sale.order", "action_open_credit_override", [order.ids], None, None, ALLOWED),
        ]
        self.run_table(table, order)
        self.assertEqual(order.state, "draft")
        # a wizard of another company's manager on company A's order: refused at confirmation
        before = self.snapshot(order)
        try:
            wizard_b = self.rpc(
                "other_company",
                "sale.order.credit.override",
                "create",
                [{"order_ids": [Command.set(order.ids)], "reason": "cross-company"}],
            )
        except JsonRpcException as refused:
            self.assertIn(str(refused), REFUSALS)
        else:
            self.assertRpcRefused(
                "other_company", "sale.order.credit.override", "action_confirm", [[wizard_b]]
            )
        # a manager's wizard confirmed by a salesperson: refused
        wizard = self.rpc(
            "sales_admin",
            "sale.order.credit.override",
            "create",
            [{"order_ids": [Command.set(order.ids)], "reason": "CFO promised payment on Friday"}],
        )
        self.assertRpcRefused("salesman", "sale.order.credit.override", "action_confirm", [[wizard]])
        self.assertUnchanged(order, before)
        self.assertEqual(order.state, "draft")
        # the manager through the wizard: confirmed, and the override is on the record
        self.rpc("sales_admin", "sale.order.credit.override", "action_confirm", [[wizard]])
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        note = order.message_ids.filtered(lambda m: "CFO promised payment on Friday" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Credit block overridden by RPC sales_admin", note.body)
        self.assertEqual(note.author_id, self.users["sales_admin"].partner_id)

    # ------------------------------------------------------------------
    # Finding 10: order-to-cash figures are internal
    # ------------------------------------------------------------------

    def test_portal_reads_no_internal_figures(self):
        order, invoice, partner = self.portal_order, self.portal_invoice, self.portal_partner
        read = "read"
        table = [
            ("portal", "sale.order", read, [order.ids, [fname]], None, None, REFUSED)
            for fname in (
                "order_to_cash_state",
                "o2c_amount_ordered",
                "o2c_amount_delivered",
                "o2c_amount_invoiced",
                "o2c_amount_paid",
                "o2c_amount_residual",
                "o2c_currency_id",
                "promised_date",
                "delivery_on_time",
                "credit_control_warning",
                "is_credit_blocked",
                "has_overdue_invoice",
                "promise_warning",
            )
        ]
        table += [
            ("portal", "res.partner", read, [partner.ids, [fname]], None, None, REFUSED)
            for fname in (
                "o2c_amount_ordered",
                "o2c_amount_delivered",
                "o2c_amount_invoiced",
                "o2c_amount_paid",
                "on_time_delivery_rate",
            )
        ]
        table += [
            (
                "portal",
                "sale.order",
                "search_read",
                [[("id", "=", order.id)], ["order_to_cash_state"]],
                None,
                None,
                REFUSED,
            ),
            (
                "portal",
                "sale.order",
                "read_group",
                [[], ["o2c_amount_residual:sum"], ["partner_id"]],
                None,
                None,
                REFUSED,
            ),
            # a plain employee does not get the customer's order-to-cash figures either
            ("employee", "res.partner", read, [partner.ids, ["o2c_amount_invoiced"]], None, None, REFUSED),
            # what the portal shows keeps working: core's fields of his own documents
            (
                "portal",
                "sale.order",
                read,
                [order.ids, ["name", "amount_total", "amount_paid"]],
                None,
                None,
                ALLOWED,
            ),
            ("portal", "account.move", read, [invoice.ids, ["name", "amount_residual"]], None, None, ALLOWED),
            (
                "salesman",
                "sale.order",
                read,
                [self.own_order.ids, ["order_to_cash_state"]],
                None,
                None,
                ALLOWED,
            ),
        ]
        self.run_table(table, order)
        # and so do the portal pages
        self.authenticate("rpc_portal", "rpc_portal")
        for url in (
            f"/my/orders/{order.id}",
            "/my/orders",
            f"/my/invoices/{invoice.id}",
            "/my/invoices",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("/web/login", response.url)
        # core's amount_paid keeps core's meaning (online payments, none here), not the bridge's
        self.assertEqual(order.amount_paid, 0.0)
        self.assertEqual(order.amount_invoiced, invoice.amount_total)

    # ------------------------------------------------------------------
    # Roll-ups: as the user, per company, converted at the document date
    # ------------------------------------------------------------------

    def test_roll_ups_read_as_the_user_per_company(self):
        client = self.client
        fnames = ["o2c_amount_ordered", "o2c_amount_invoiced", "o2c_amount_paid", "on_time_delivery_rate"]

        def figure(who, context=None):
            return self.rpc(who, "res.partner", "read", [client.ids, fnames], None, context)[0]

        # the salesperson reads his own order only, not his colleague's
        self.assertEqual(figure("salesman")["o2c_amount_ordered"], 100.0)
        # a manager of company A: both company A orders, not company B's
        self.assertEqual(figure("sales_admin")["o2c_amount_ordered"], 300.0)
        # the manager of company B: company B's order only, in EUR
        self.assertEqual(figure("other_company")["o2c_amount_ordered"], 300.0)
        # a user of both companies, company A first: 300 USD + 300 EUR at 2 EUR a USD
        both = {"allowed_company_ids": [self.company_a.id, self.company_b.id]}
        self.assertEqual(figure("both_companies", both)["o2c_amount_ordered"], 450.0)
        # the opportunity's figures follow the same rules
        lead = self.env["crm.lead"].create(
            {"name": "Shared deal", "partner_id": client.id, "type": "opportunity", "user_id": False}
        )
        (self.own_order | self.colleague_order).opportunity_id = lead
        lead_figures = self.rpc("salesman", "crm.lead", "read", [lead.ids, ["o2c_amount_ordered"]])
        self.assertEqual(lead_figures[0]["o2c_amount_ordered"], 100.0)

    def test_bridge_actions_refused(self):
        orders = self.own_order | self.colleague_order
        table = [
            # the whole-database recompute and the demo walker are not callable remotely
            ("back_office", "sale.order", "_recompute_order_to_cash", [], None, None, REFUSED),
            ("sales_admin", "sale.order", "_cron_recompute_order_to_cash", [], None, None, REFUSED),
            (
                "sales_admin",
                "crm.erp.bridge.demo",
                "_confirm",
                [["crm_erp_bridge.sale_order_demo_o2c_blocked"]],
                None,
                None,
                REFUSED,
            ),
            (
                "sales_admin",
                "crm.erp.bridge.demo",
                "_cancel",
                ["crm_erp_bridge.sale_order_demo_o2c_paid"],
                None,
                None,
                REFUSED,
            ),
            # cockpit batch actions: the user's own rights on the orders
            ("portal", "sale.order", "action_o2c_post_invoices", [orders.ids], None, None, REFUSED),
            ("employee", "sale.order", "action_o2c_create_invoices", [orders.ids], None, None, REFUSED),
            ("other_company", "sale.order", "action_o2c_create_invoices", [orders.ids], None, None, REFUSED),
            ("salesman", "sale.order", "action_o2c_post_invoices", [orders.ids], None, None, REFUSED),
            # the credit policy is the company's setting: administrators only
            (
                "sales_admin",
                "res.company",
                "write",
                [self.company_a.ids, {"credit_control_policy": "off"}],
                None,
                None,
                REFUSED,
            ),
            (
                "sales_admin",
                "res.company",
                "write",
                [self.company_a.ids, {"credit_control_block": False}],
                None,
                None,
                REFUSED,
            ),
            (
                "back_office",
                "res.config.settings",
                "create",
                [{"credit_control_block": False}],
                None,
                None,
                REFUSED,
            ),
        ]
        self.run_table(table, orders)
        self.company_a.invalidate_recordset()
        self.assertEqual(self.company_a.credit_control_policy, "block")

    def test_cron_recompute_runs_for_every_company(self):
        """The recompute stays a scheduled job of the system: it sees every company's orders."""
        self.env.cr.execute(
            "UPDATE sale_order SET order_to_cash_state = 'quotation' WHERE id IN %s",
            [tuple((self.own_order | self.order_b).ids)],
        )
        self.env.invalidate_all()
        self.env.ref("crm_erp_bridge.ir_cron_recompute_order_to_cash").method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(self.own_order.order_to_cash_state, "confirmed")
        self.assertEqual(self.order_b.order_to_cash_state, "confirmed")
