from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG


def uninstall_hook(env):
    """Remove the invoices and payments the demo data made through Odoo's flows.

    They have no XML id of their own and point at the demo customers, which the uninstall is
    about to delete (here and in crm_extended): without this, those deletions fail.
    """
    env = env(context=dict(env.context, **{MODULE_UNINSTALL_FLAG: True}))
    order_ids = (
        env["ir.model.data"]
        .search([("module", "=", "crm_erp_bridge"), ("model", "=", "sale.order")])
        .mapped("res_id")
    )
    invoices = env["sale.order"].browse(order_ids).exists().invoice_ids
    if not invoices:
        return
    env["account.payment.register"].search([("line_ids", "in", invoices.line_ids.ids)]).unlink()
    payments = invoices._get_reconciled_payments() | invoices.matched_payment_ids
    payments.action_draft()
    payments.unlink()
    invoices.filtered(lambda m: m.state != "draft").button_draft()
    invoices.unlink()
