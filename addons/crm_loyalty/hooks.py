from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG


def uninstall_hook(env):
    """Remove what the demo story made through Odoo's own flows.

    The story's orders, invoices, credit notes, deliveries and loyalty cards have no XML id of
    their own, yet they point at the demo customer, product and programs that the uninstall is
    about to delete: without this, those deletions fail. Nothing is touched in a database
    installed without demo data (there are no demo records to look for).
    """
    env = env(context=dict(env.context, active_test=False, **{MODULE_UNINSTALL_FLAG: True}))
    data = env["ir.model.data"].search(
        [
            ("module", "=", "crm_loyalty"),
            ("model", "in", ("loyalty.program", "product.product", "res.partner")),
        ]
    )
    ids = {
        model: data.filtered(lambda d, m=model: d.model == m).mapped("res_id")
        for model in set(data.mapped("model"))
    }
    programs = env["loyalty.program"].browse(ids.get("loyalty.program", [])).exists()
    products = env["product.product"].browse(ids.get("product.product", [])).exists()
    partners = env["res.partner"].browse(ids.get("res.partner", [])).exists()
    if not (programs or products or partners):
        return
    products |= programs.reward_ids.discount_line_product_id
    orders = (
        env["sale.order.line"]
        .search(["|", ("product_id", "in", products.ids), ("order_id.partner_id", "child_of", partners.ids)])
        .order_id
    )
    moves = orders.invoice_ids | env["account.move"].search(
        ["|", ("invoice_line_ids.product_id", "in", products.ids), ("partner_id", "child_of", partners.ids)]
    )
    if moves:
        env["account.payment.register"].search([("line_ids", "in", moves.line_ids.ids)]).unlink()
        payments = moves._get_reconciled_payments() | moves.matched_payment_ids
        payments.filtered(lambda p: p.state != "draft").action_draft()
        payments.unlink()
        moves.filtered(lambda m: m.state != "draft").button_draft()
        moves.unlink()
    if orders:
        orders._action_cancel()
        if "picking_ids" in orders._fields:  # sale_stock installed: the deliveries go too
            pickings = orders.picking_ids
            pickings.move_ids.filtered(lambda m: m.state not in ("draft", "cancel"))._action_cancel()
            pickings.move_ids.unlink()
            pickings.unlink()
        orders.unlink()
    env["loyalty.card"].search(
        ["|", ("program_id", "in", programs.ids), ("partner_id", "in", partners.ids)]
    ).unlink()
