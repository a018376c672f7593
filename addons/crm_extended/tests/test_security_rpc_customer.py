"""Issue 10, customers part: timeline, duplicates, RFM, segments, settings and portal fields,
attacked over JSON-RPC as every kind of user. Each table row is (who, what, expected)."""

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged

from .rpc import RpcAttackCase

ALLOWED, REFUSED = "allowed", "refused"


@tagged("post_install", "-at_install")
class TestSecurityRpcCustomer(RpcAttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        admin = cls.users["sales_admin"]
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {"name": "Timeline Customer", "is_company": True, "company_id": cls.company_a.id}
        )
        cls.product = cls.env["product.product"].create({"name": "Gadget", "list_price": 10.0})

        def order(user, note):
            so = cls.env["sale.order"].create(
                {
                    "partner_id": cls.customer.id,
                    "user_id": user.id,
                    "company_id": cls.company_a.id,
                    "order_line": [Command.create({"product_id": cls.product.id, "price_unit": 10.0})],
                }
            )
            so.message_post(body=note, message_type="comment", subtype_xmlid="mail.mt_note")
            return so

        cls.order_other = order(admin, "SECRET-ORDER-NOTE")
        cls.order_own = order(cls.users["salesman"], "OWN-ORDER-NOTE")
        cls.lead_other = cls.env["crm.lead"].create(
            {
                "name": "Other's lead",
                "partner_id": cls.customer.id,
                "user_id": admin.id,
                "type": "opportunity",
            }
        )
        cls.lead_other.message_post(
            body="SECRET-LEAD-NOTE", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        cls.env["crm.interaction"].create(
            {"name": "SECRET-INTERACTION", "partner_id": cls.customer.id, "company_id": cls.company_a.id}
        )
        cls.customer.message_post(body="PARTNER-NOTE", message_type="comment", subtype_xmlid="mail.mt_note")

        # duplicates: same email in two companies, a shared contact and a company-B look-alike
        cls.dup_a = Partner.create(
            {"name": "Dup Alpha", "email": "dupe@alpha.example.com", "company_id": cls.company_a.id}
        )
        cls.dup_b = Partner.create(
            {"name": "Dup Alpha", "email": "dupe@alpha.example.com", "company_id": cls.company_b.id}
        )
        cls.shared = Partner.create({"name": "Gamma Shared", "phone": "+33 6 11 22 33 44"})
        cls.gamma_b = Partner.create(
            {
                "name": "Gamma Secret B",
                "phone": "+33611223344",
                "company_id": cls.company_b.id,
                "email": "secret@gamma-b.example.com",
            }
        )
        cls.a1 = Partner.create(
            {"name": "Beta Same", "email": "beta@example.com", "company_id": cls.company_a.id}
        )
        cls.a2 = Partner.create(
            {"name": "Beta Same", "email": "beta@example.com", "company_id": cls.company_a.id}
        )
        # a pair written before the fix: two companies, no company on the pair
        cls.legacy = cls.env["crm.duplicate.candidate"].create(
            {"partner_a_id": cls.dup_a.id, "partner_b_id": cls.dup_b.id, "score": 90, "reasons": "email"}
        )

        # portal customer with an order and internal scores
        cls.portal_partner = cls.users["portal"].partner_id
        cls.portal_order = cls.env["sale.order"].create(
            {
                "partner_id": cls.portal_partner.id,
                "order_line": [Command.create({"product_id": cls.product.id, "price_unit": 10.0})],
            }
        )
        cls.portal_order.message_subscribe(cls.portal_partner.ids)

        cls.segment = cls.env["crm.customer.segment"].create(
            {
                "name": "Everyone A",
                "rule_domain": "[('is_company', '=', True)]",
                "company_id": cls.company_a.id,
            }
        )
        cls.weight = cls.env.ref("crm_extended.completeness_weight_email")
        cls.env.flush_all()

    # ------------------------------------------------------------------
    def _set_marker_scores(self):
        """Scores no recompute would give (nobody has confirmed orders): a refused recompute
        leaves them, an allowed one clears them."""
        self.env.cr.execute(
            "UPDATE res_partner SET rfm_segment = 'champions', churn_risk = 'low' WHERE id = %s",
            (self.customer.id,),
        )
        self.env["res.partner"].invalidate_model()

    def _timeline(self, who):
        rows = self.rpc(
            who,
            "crm.partner.timeline",
            "search_read",
            [[("partner_id", "=", self.customer.id)]],
            {"fields": ["name", "kind", "res_model"]},
        )
        return {(r["res_model"], r["kind"], (r["name"] or "").strip()) for r in rows}

    # ------------------------------------------------------------------
    # Finding 2: the timeline shows a row only when its source is readable
    # ------------------------------------------------------------------
    def test_timeline_rows_follow_source_access(self):
        order_row = ("sale.order", "order", self.order_other.name)
        own_order_row = ("sale.order", "order", self.order_own.name)
        table = [
            # who, row, visible
            ("employee", ("res.partner", "message", "PARTNER-NOTE"), True),
            ("employee", order_row, False),
            ("employee", ("sale.order", "message", "SECRET-ORDER-NOTE"), False),
            ("employee", ("crm.lead", "message", "SECRET-LEAD-NOTE"), False),
            ("employee", ("crm.interaction", "interaction", "SECRET-INTERACTION"), False),
            ("salesman", own_order_row, True),
            ("salesman", ("sale.order", "message", "OWN-ORDER-NOTE"), True),
            ("salesman", order_row, False),
            ("salesman", ("sale.order", "message", "SECRET-ORDER-NOTE"), False),
            ("salesman", ("crm.lead", "message", "SECRET-LEAD-NOTE"), False),
            ("service", ("crm.interaction", "interaction", "SECRET-INTERACTION"), True),
            ("service", ("sale.order", "message", "SECRET-ORDER-NOTE"), False),
            ("sales_admin", order_row, True),
            ("sales_admin", ("crm.lead", "message", "SECRET-LEAD-NOTE"), True),
            ("sales_admin", ("sale.order", "message", "SECRET-ORDER-NOTE"), True),
            ("other_company", ("res.partner", "message", "PARTNER-NOTE"), False),
            ("other_company", order_row, False),
        ]
        seen = {}
        for who, row, visible in table:
            if who not in seen:
                seen[who] = self._timeline(who)
            with self.subTest(who=who, row=row):
                self.assertEqual(row in seen[who], visible, f"{who} seeing {row}: {seen[who]}")
        self.assertRpcRefused("portal", "crm.partner.timeline", "search_read", [[]], {"fields": ["name"]})

    def test_timeline_read_by_id_and_group_refused(self):
        Timeline = self.env["crm.partner.timeline"]
        mine = [("partner_id", "=", self.customer.id)]
        secret = Timeline.search([*mine, ("res_model", "=", "crm.lead"), ("kind", "=", "message")])
        self.assertTrue(secret, "the lead's note is in the view")
        order_row = Timeline.search(
            [
                *mine,
                ("res_model", "=", "sale.order"),
                ("res_id", "=", self.order_other.id),
                ("kind", "=", "order"),
            ]
        )
        for who, row in (
            ("salesman", secret),
            ("employee", secret),
            ("employee", order_row),
            ("salesman", order_row),
        ):
            with self.subTest(who=who, row=row.res_model):
                self.assertRpcRefused(who, "crm.partner.timeline", "read", [row.ids], {"fields": ["name"]})
        # grouped counts do not reveal the hidden rows either
        groups = self.rpc(
            "employee",
            "crm.partner.timeline",
            "read_group",
            [[("partner_id", "=", self.customer.id)], ["res_model"], ["res_model"]],
        )
        self.assertEqual({g["res_model"] for g in groups}, {"res.partner"})
        # the partner form's one2many shows the same rows as the list
        rows = self.rpc(
            "salesman", "res.partner", "read", [self.customer.ids], {"fields": ["crm_timeline_ids"]}
        )
        ids = rows[0]["crm_timeline_ids"]
        self.assertNotIn(secret.id, ids)
        self.assertNotIn(order_row.id, ids)

    # ------------------------------------------------------------------
    # Finding 5: duplicates never cross companies
    # ------------------------------------------------------------------
    def test_duplicate_scan_managers_only(self):
        Candidate = self.env["crm.duplicate.candidate"]
        count = Candidate.search_count([])
        for who in ("portal", "employee", "salesman", "service"):
            with self.subTest(who=who):
                self.assertRpcRefused(who, "crm.duplicate.candidate", "action_scan")
                self.assertRpcRefused(who, "crm.duplicate.candidate", "action_scan_and_open")
        self.assertEqual(Candidate.search_count([]), count, "refused scans wrote nothing")
        self.rpc("sales_admin", "crm.duplicate.candidate", "action_scan")
        self.env.invalidate_all()
        self.assertGreater(Candidate.search_count([]), count, "the manager's scan ran")
        # the cron still scans
        self.env.ref("crm_extended.ir_cron_scan_duplicates").method_direct_trigger()

    def test_duplicate_pairs_stay_in_company(self):
        Candidate = self.env["crm.duplicate.candidate"]
        Candidate.action_scan()
        pairs = {
            (c.partner_a_id, c.partner_b_id): c for c in Candidate.search([("id", "!=", self.legacy.id)])
        }
        self.assertNotIn((self.dup_a, self.dup_b), pairs, "contacts of two companies are never paired")
        self.assertIn((self.a1, self.a2), pairs)
        shared_pair = pairs.get((self.shared, self.gamma_b))
        self.assertTrue(shared_pair, "a shared contact pairs with a company's contact")
        self.assertEqual(
            shared_pair.company_id, self.company_b, "the pair belongs to the company-specific side"
        )
        self.assertEqual(pairs[(self.a1, self.a2)].company_id, self.company_a)

        # who sees what: a company-A user never reads company B's contact through a pair
        visible = {
            who: {
                r["id"]
                for r in self.rpc(who, "crm.duplicate.candidate", "search_read", [[]], {"fields": ["id"]})
            }
            for who in ("salesman", "sales_admin", "other_company")
        }
        self.assertNotIn(shared_pair.id, visible["salesman"])
        self.assertNotIn(shared_pair.id, visible["sales_admin"])
        self.assertIn(shared_pair.id, visible["other_company"])
        self.assertNotIn(self.legacy.id, visible["sales_admin"], "an old cross-company pair is hidden")
        self.assertNotIn(self.legacy.id, visible["other_company"])
        self.assertIn(pairs[(self.a1, self.a2)].id, visible["salesman"])
        for who, ids, fnames in (
            ("salesman", shared_pair.ids, ["partner_b_email", "partner_b_phone"]),
            ("sales_admin", self.legacy.ids, ["partner_b_email"]),
            ("other_company", self.legacy.ids, ["partner_a_email"]),
        ):
            with self.subTest(who=who, ids=ids):
                self.assertRpcRefused(who, "crm.duplicate.candidate", "read", [ids], {"fields": fnames})

    def test_duplicate_bookkeeping_not_writable(self):
        Candidate = self.env["crm.duplicate.candidate"]
        Candidate._scan()
        pair = Candidate.search([("partner_a_id", "=", self.a1.id), ("partner_b_id", "=", self.a2.id)])
        table = [
            ("salesman", {"state": "merged"}),
            ("salesman", {"partner_a_id": self.gamma_b.id}),
            ("sales_admin", {"partner_b_id": self.dup_b.id}),
            ("sales_admin", {"reviewed_by_id": self.users["salesman"].id, "state": "dismissed"}),
            ("employee", {"state": "dismissed"}),
            ("portal", {"state": "dismissed"}),
        ]
        for who, vals in table:
            with self.subTest(who=who, vals=vals):
                self.assertRpcRefused(who, "crm.duplicate.candidate", "write", [pair.ids, vals])
        # a context key does not open the door the review buttons use
        self.assertRpcRefused(
            "salesman",
            "crm.duplicate.candidate",
            "write",
            [pair.ids, {"state": "merged"}],
            context={"crm_duplicate_review": True},
        )
        self.assertRpcRefused(
            "sales_admin",
            "crm.duplicate.candidate",
            "create",
            [{"partner_a_id": self.dup_a.id, "partner_b_id": self.dup_b.id}],
        )
        self.assertEqual(
            (pair.state, pair.partner_a_id, pair.partner_b_id, pair.reviewed_by_id),
            ("new", self.a1, self.a2, self.env["res.users"]),
        )
        # the review buttons still work for a salesperson
        self.rpc("salesman", "crm.duplicate.candidate", "action_dismiss", [pair.ids])
        self.env.invalidate_all()
        self.assertEqual((pair.state, pair.reviewed_by_id), ("dismissed", self.users["salesman"]))
        self.rpc("salesman", "crm.duplicate.candidate", "action_reset", [pair.ids])
        self.env.invalidate_all()
        self.assertEqual(pair.state, "new")

    # ------------------------------------------------------------------
    # Heavy actions: managers only, crons still run
    # ------------------------------------------------------------------
    def test_recompute_rfm_managers_only(self):
        self._set_marker_scores()
        for who in ("portal", "employee", "salesman", "service"):
            with self.subTest(who=who):
                self.assertRpcRefused(who, "res.partner", "action_recompute_rfm")
                self.assertEqual(self.customer.rfm_segment, "champions", "nothing recomputed")
        self.rpc("sales_admin", "res.partner", "action_recompute_rfm")
        self.env.invalidate_all()
        self.assertFalse(self.customer.rfm_segment, "the manager's recompute ran")
        self._set_marker_scores()
        self.env.ref("crm_extended.ir_cron_recompute_rfm").method_direct_trigger()
        self.env.invalidate_all()
        self.assertFalse(self.customer.rfm_segment, "the cron ran")

    def test_segments(self):
        before = self.segment.last_refresh
        table = [
            ("portal", "action_refresh", [self.segment.ids], REFUSED),
            ("employee", "action_refresh", [self.segment.ids], REFUSED),
            ("salesman", "action_refresh", [self.segment.ids], REFUSED),
            ("service", "action_refresh", [self.segment.ids], REFUSED),
            ("other_company", "action_refresh", [self.segment.ids], REFUSED),  # company A's segment
            ("salesman", "write", [self.segment.ids, {"rule_domain": "[]"}], REFUSED),
            ("salesman", "create", [{"name": "Mine", "rule_domain": "[]"}], REFUSED),
            (
                "sales_admin",
                "write",
                [self.segment.ids, {"partner_ids": [Command.set(self.dup_b.ids)]}],
                REFUSED,
            ),
            ("sales_admin", "write", [self.segment.ids, {"last_refresh": "2000-01-01 00:00:00"}], REFUSED),
        ]
        table += [
            ("sales_admin", "action_refresh", [self.segment.ids], ALLOWED),
            ("sales_admin", "create", [{"name": "Big", "rule_domain": "[]"}], ALLOWED),
        ]
        for who, method, args, expected in table:
            if expected == REFUSED:
                with self.subTest(who=who, method=method):
                    self.assertRpcRefused(who, "crm.customer.segment", method, args)
        self.assertEqual(
            (self.segment.last_refresh, self.segment.partner_ids), (before, self.env["res.partner"])
        )
        self.assertEqual(self.segment.rule_domain, "[('is_company', '=', True)]")
        # Sales administrators manage segments from the same screens
        for who, method, args, expected in table:
            if expected == ALLOWED:
                self.rpc(who, "crm.customer.segment", method, args)
        self.env.invalidate_all()
        self.assertIn(self.customer, self.segment.partner_ids)
        self.assertNotIn(self.dup_b, self.segment.partner_ids)
        self.assertTrue(self.env["crm.customer.segment"].search([("name", "=", "Big")]))
        self.env.ref("crm_extended.ir_cron_refresh_segments").method_direct_trigger()

    def test_completeness_weights(self):
        for who, vals in (
            ("salesman", {"weight": 50}),
            ("employee", {"weight": 50}),
            ("sales_admin", {"weight": 10**9}),
            ("sales_admin", {"weight": -5}),
        ):
            with self.subTest(who=who, vals=vals):
                self.assertRpcRefused(who, "crm.completeness.weight", "write", [self.weight.ids, vals])
        self.assertEqual(self.weight.weight, 20)
        self.rpc("sales_admin", "crm.completeness.weight", "write", [self.weight.ids, {"weight": 30}])
        self.env.invalidate_all()
        self.assertEqual(self.weight.weight, 30)

    # ------------------------------------------------------------------
    # Finding 10: internal scores are not readable by a portal user
    # ------------------------------------------------------------------
    def test_portal_reads_no_internal_scores(self):
        self.env.cr.execute(
            "UPDATE res_partner SET rfm_segment = 'at_risk', churn_risk = 'high' WHERE id = %s",
            (self.portal_partner.id,),
        )
        pid = self.portal_partner.id
        for fname in (
            "churn_risk",
            "rfm_segment",
            "rfm_score",
            "rfm_recency",
            "order_count",
            "lifetime_value",
            "average_order_value",
            "amount_due",
            "data_completeness",
            "segment_ids",
            "rfm_history_ids",
            "phone_e164",
            "name_normalized",
        ):
            with self.subTest(field=fname):
                self.assertRpcRefused("portal", "res.partner", "read", [[pid]], {"fields": [fname]})
        self.assertRpcRefused("portal", "res.partner", "search", [[("churn_risk", "=", "high")]])
        for fname in ("customer_churn_risk", "customer_rfm_segment", "customer_segment_ids"):
            with self.subTest(field=fname):
                self.assertRpcRefused(
                    "portal", "sale.order", "read", [self.portal_order.ids], {"fields": [fname]}
                )
        # what the portal may read is still readable
        self.assertEqual(
            self.rpc("portal", "res.partner", "read", [[pid]], {"fields": ["name"]})[0]["name"],
            self.portal_partner.name,
        )
        self.assertEqual(
            self.rpc("portal", "sale.order", "read", [self.portal_order.ids], {"fields": ["name"]})[0][
                "name"
            ],
            self.portal_order.name,
        )
        # and employees still read the scores
        row = self.rpc("employee", "res.partner", "read", [[pid]], {"fields": ["churn_risk", "rfm_segment"]})[
            0
        ]
        self.assertEqual((row["churn_risk"], row["rfm_segment"]), ("high", "at_risk"))

    def test_rfm_history_per_company(self):
        History = self.env["crm.rfm.history"]
        today = fields.Date.today()
        row_b = History.create(
            {
                "partner_id": self.gamma_b.id,
                "company_id": self.company_b.id,
                "date": today,
                "new_segment": "lost",
            }
        )
        row_a = History.create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company_a.id,
                "date": today,
                "new_segment": "lost",
            }
        )
        for who, row, visible in (
            ("salesman", row_b, False),
            ("sales_admin", row_b, False),
            ("salesman", row_a, True),
            ("other_company", row_b, True),
            ("other_company", row_a, False),
        ):
            with self.subTest(who=who, row=row.id):
                found = self.rpc(who, "crm.rfm.history", "search", [[("id", "=", row.id)]])
                self.assertEqual(bool(found), visible)
        self.assertRpcRefused("portal", "crm.rfm.history", "search_read", [[]])
        self.assertRpcRefused(
            "sales_admin", "crm.rfm.history", "read", [row_b.ids], {"fields": ["partner_id"]}
        )


@tagged("post_install", "-at_install")
class TestSecurityCustomer(TransactionCase):
    """What is not about RPC: bounds, companies of the figures and of the history."""

    def test_settings_bounds(self):
        Settings = self.env["res.config.settings"]
        for vals in (
            {"crm_rfm_window_days": 10**9},
            {"crm_rfm_window_days": 0},
            {"crm_churn_default_interval_days": 120000},
            {"crm_churn_default_interval_days": -1},
            {"crm_duplicate_name_threshold": 5.0},
            {"crm_duplicate_name_threshold": 0.0},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                Settings.create(vals)
        Settings.create(
            {
                "crm_rfm_window_days": 730,
                "crm_churn_default_interval_days": 60,
                "crm_duplicate_name_threshold": 0.7,
            }
        ).execute()
        Partner = self.env["res.partner"]
        self.assertEqual(Partner._rfm_window_days(), 730)
        # values written straight into the parameters are clamped by the readers
        Param = self.env["ir.config_parameter"]
        Param.set_param("crm_extended.rfm_window_days", "1000000000")
        Param.set_param("crm_extended.churn_default_interval_days", "1e9")
        Param.set_param("crm_extended.duplicate_max_block", "99999999")
        self.assertEqual(Partner._rfm_window_days(), 3650)
        self.assertEqual(Partner._churn_default_interval(), 90)
        self.assertEqual(self.env["crm.duplicate.candidate"]._max_block(), 5000)
        Partner._recompute_rfm()  # no overflow

    def test_completeness_weight_bounds(self):
        Weight = self.env["crm.completeness.weight"]
        with self.assertRaises(ValidationError):
            Weight.search([], limit=1).weight = 101
        with self.assertRaises(ValidationError):
            Weight.create({"field_name": "website", "weight": 10**6})

    def test_heavy_actions_refused_with_user(self):
        user = self.env["res.users"].create(
            {
                "name": "Plain salesperson",
                "login": "plain_sales_360",
                "groups_id": [Command.set(self.env.ref("sales_team.group_sale_salesman").ids)],
            }
        )
        segment = self.env["crm.customer.segment"].create({"name": "All", "rule_domain": "[]"})
        for call in (
            lambda env: env["res.partner"].action_recompute_rfm(),
            lambda env: env["crm.duplicate.candidate"].action_scan(),
            lambda env: segment.with_env(env).action_refresh(),
        ):
            with self.assertRaises(AccessError):
                call(self.env(user=user))

    def test_company_customer_counts_own_company_documents_only(self):
        company_b = self.env["res.company"].create({"name": "Branch 360"})
        customer = self.env["res.partner"].create(
            {"name": "Company A only", "is_company": True, "company_id": self.env.company.id}
        )
        product = self.env["product.product"].create({"name": "Thing", "list_price": 5.0})
        order = self.env["sale.order"].create(
            {"partner_id": customer.id, "order_line": [Command.create({"product_id": product.id})]}
        )
        order.action_confirm()
        # an order of another company written around the ORM's company check (import, SQL)
        other = order.copy()
        self.env.cr.execute(
            "UPDATE sale_order SET company_id = %s, state = 'sale' WHERE id = %s", (company_b.id, other.id)
        )
        self.env["sale.order"].invalidate_model()
        self.env["res.partner"]._refresh_customer_360([customer.id])
        self.assertEqual(customer.order_count, 1, "company B's order does not count for company A's customer")
        self.env["res.partner"]._recompute_rfm()
        history = self.env["crm.rfm.history"].search([("partner_id", "=", customer.id)])
        self.assertEqual(
            history.company_id, self.env.company, "the history row carries the customer's company"
        )
