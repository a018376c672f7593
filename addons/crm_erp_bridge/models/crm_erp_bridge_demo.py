from odoo import api, fields, models


class CrmErpBridgeDemo(models.AbstractModel):
    """Steps of the demo story, called by ``<function>`` elements of the demo data.

    Each walks a demo order one step through Odoo's own flows. Kept out of the business models:
    nothing here is used outside the demo data, and the methods are private (not callable over
    RPC). The invoices and payments a step makes get XML ids of this addon, so that they are
    demo records of its own, which its uninstall removes like any other.
    """

    _name = "crm.erp.bridge.demo"
    _description = "Order to Cash: Demo Story Steps"

    @api.model
    def _own(self, xmlid, kind, records):
        """Give ``records`` XML ids ``<xmlid>_<kind>_<n>`` after those already given."""
        module, name = xmlid.split(".")
        done = self.env["ir.model.data"].search_count(
            [("module", "=", module), ("name", "=like", f"{name}_{kind}_%")]
        )
        self.env["ir.model.data"]._update_xmlids(
            [
                {"xml_id": f"{xmlid}_{kind}_{index}", "record": record, "noupdate": True}
                for index, record in enumerate(records, done + 1)
            ]
        )

    @api.model
    def _confirm(self, xmlids):
        for xmlid in xmlids:
            self.env.ref(xmlid).action_confirm()

    @api.model
    def _deliver(self, xmlid, qty=None):
        """Deliver the open pickings of the order: every move in full, or ``qty`` of each."""
        order = self.env.ref(xmlid)
        pickings = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        for move in pickings.move_ids:
            self.env["stock.quant"]._update_available_quantity(
                move.product_id, move.location_id, move.product_uom_qty
            )
        pickings.action_assign()
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty if qty is None else qty
            move.picked = True
        pickings._action_done()

    @api.model
    def _invoice(self, xmlid):
        invoices = self.env.ref(xmlid)._create_invoices(final=True)
        invoices.action_post()
        self._own(xmlid, "invoice", invoices)

    @api.model
    def _pay(self, xmlid, amount=None):
        """Register a payment of the order's open invoices: in full, or ``amount``."""
        invoices = self.env.ref(xmlid).invoice_ids.filtered(
            lambda m: m.state == "posted" and m.payment_state != "paid"
        )
        register = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({} if amount is None else {"amount": amount})
        )
        self._own(xmlid, "payment", register._create_payments())
        register.unlink()

    @api.model
    def _make_overdue(self, xmlid, days=20):
        self.env.ref(xmlid).invoice_ids.write(
            {"invoice_date_due": fields.Date.subtract(fields.Date.today(), days=days)}
        )

    @api.model
    def _make_late(self, xmlid, days=3):
        """Commitment date in the past: the order shows under *Late Deliveries*."""
        self.env.ref(xmlid).commitment_date = fields.Datetime.subtract(fields.Datetime.now(), days=days)

    @api.model
    def _cancel(self, xmlid):
        self.env.ref(xmlid)._action_cancel()
