import logging

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG
from odoo.tools import mute_logger

_logger = logging.getLogger(__name__)

MODULE = "crm_erp_bridge"
# Parameters the addon writes without an XML id (the resumable recompute's position).
PARAMS = ("crm_erp_bridge.order_to_cash_recompute_last_id",)


def uninstall_hook(env):
    """Remove what this addon made, never the users' documents.

    Core deletes the records with an XML id of the addon. The demo data also made invoices and
    payments through Odoo's flows; they got XML ids of the addon then, and as posted documents
    core could not delete them: they are reset to draft and deleted here, before the demo orders
    and customers they point at. A record of the addon that users' documents refer to (an
    invoice a user paid, a demo order a user invoiced, a demo customer a user sold to) is kept:
    archived when it can be, its XML id dropped (it is the users' now) and logged.
    """
    env = env(context=dict(env.context, **{MODULE_UNINSTALL_FLAG: True}))
    env["ir.config_parameter"].sudo().search([("key", "in", PARAMS)]).unlink()

    def own(model):
        data = env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", model)])
        return env[model].browse(data.mapped("res_id")).exists()

    payments = own("account.payment")
    invoices = own("account.move")
    ours = invoices | payments.move_id
    used = invoices.filtered(lambda m: _reconciled_moves(m) - ours or _reversals(m) - ours)
    _keep(used, "users' payments or credit notes settle it")
    invoices -= used
    used = payments.filtered(lambda p: _reconciled_moves(p.move_id) - ours)
    _keep(used, "it settles users' invoices")
    payments -= used
    env["account.payment.register"].search([("line_ids", "in", invoices.line_ids.ids)]).unlink()
    payments.filtered(lambda p: p.state != "draft").action_draft()
    _delete(payments)
    invoices.filtered(lambda m: m.state != "draft").button_draft()
    _delete(invoices)

    orders = own("sale.order")
    used = orders.filtered(lambda o: o.invoice_ids.exists())
    _keep(used, "users invoiced it")
    _delete(orders - used)
    for model in ("crm.lead", "res.partner"):
        for record in own(model):
            try:
                with env.cr.savepoint(), mute_logger("odoo.sql_db"):
                    record.unlink()
            except Exception:  # noqa: BLE001 - whatever refuses it, the record stays the users'
                _keep(record, "users' documents refer to it")
            else:
                _forget(record)


def _reconciled_moves(moves):
    lines = moves.line_ids
    return (lines.matched_debit_ids.debit_move_id | lines.matched_credit_ids.credit_move_id).move_id - moves


def _reversals(moves):
    return moves.reversal_move_ids


def _forget(records):
    """Drop the addon's XML ids of ``records``."""
    records.env["ir.model.data"].search(
        [("module", "=", MODULE), ("model", "=", records._name), ("res_id", "in", records.ids)]
    ).unlink()


def _delete(records):
    if records:
        _forget(records)
        records.unlink()


def _keep(records, why):
    """Leave ``records`` to the users: archived when possible, no longer ours, logged."""
    if not records:
        return
    if "active" in records._fields:
        records.filtered("active").action_archive()
    _forget(records)
    _logger.warning(
        "Uninstalling %s: kept %s (%s) because %s%s.",
        MODULE,
        records._name,
        ", ".join(records.mapped("display_name")),
        why,
        "; archived" if "active" in records._fields else "",
    )
