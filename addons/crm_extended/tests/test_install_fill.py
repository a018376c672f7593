from collections import deque

from odoo.tests import tagged
from odoo.tools.sql import column_exists

from .common import CrmExtendedCase


@tagged("post_install", "-at_install")
class TestInstallFill(CrmExtendedCase):
    """Installing on a database with history: every column this addon adds to a core table is
    created and filled set-based by _auto_init, never left to an ORM recompute of every row."""

    def auto_init(self, model):
        """Run a model's _auto_init as a module install does (registry.init_models)."""
        registry = self.env.registry
        registry._post_init_queue, registry._foreign_keys, registry._is_install = deque(), {}, True
        try:
            self.env[model]._auto_init()
        finally:
            del registry._post_init_queue, registry._foreign_keys, registry._is_install

    def assert_not_to_compute(self, model, fnames):
        for fname in fnames:
            self.assertFalse(self.env.records_to_compute(self.env[model]._fields[fname]), fname)

    def test_order_segment_mirrors(self):
        customer = self.make_customer("Mirrored")
        self.make_order(customer)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("ALTER TABLE sale_order DROP COLUMN customer_rfm_segment, DROP COLUMN customer_churn_risk")
        self.auto_init("sale.order")
        self.assertTrue(column_exists(cr, "sale_order", "customer_rfm_segment"))
        self.assertTrue(column_exists(cr, "sale_order", "customer_churn_risk"))
        self.assert_not_to_compute("sale.order", ["customer_rfm_segment", "customer_churn_risk"])

    def test_partner_quality_columns(self):
        partner = self.make_customer(
            "Ｑuality  Co.", email="q@example.com", phone="+1 202-555-0142", vat="be 0477.472.701"
        )
        self.env.flush_all()
        expected = partner.read(["data_completeness", "name_normalized", "vat_normalized", "phone_e164"])[0]
        cr = self.env.cr
        cr.execute(
            "ALTER TABLE res_partner DROP COLUMN data_completeness, DROP COLUMN name_normalized,"
            " DROP COLUMN vat_normalized, DROP COLUMN phone_e164"
        )
        self.auto_init("res.partner")
        self.assert_not_to_compute(
            "res.partner", ["data_completeness", "name_normalized", "vat_normalized", "phone_e164"]
        )
        self.env["res.partner"].invalidate_model()
        self.assertEqual(
            partner.read(["data_completeness", "name_normalized", "vat_normalized", "phone_e164"])[0],
            expected,
        )
        self.assertTrue(
            expected["phone_e164"] and expected["vat_normalized"] and expected["data_completeness"]
        )
