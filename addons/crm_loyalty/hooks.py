import logging

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG
from odoo.tools import mute_logger

_logger = logging.getLogger(__name__)

# XML ids the demo story gives the documents it makes through Odoo's flows (see crm.loyalty.demo)
DEMO_STORY_PREFIX = "demo_story_"
# models of this addon's XML-id records that users' own data may come to refer to
SHARED_MODELS = ("loyalty.program", "product.product", "product.template", "res.partner")


def uninstall_hook(env):
    """Remove what this addon created, and nothing of its users'.

    Odoo removes the records of this addon's XML ids and drops its own tables (tiers, triggers
    and their log, the analysis). Before that:

    - the demo story's orders, invoices, credit notes and cards (registered under this addon's
      XML ids when the story ran) are removed, unless data of the users came to depend on them
      (a payment, a later order on a demo card): those stay, as any user document;
    - this addon's records that users' data still refer to (the demo program holding real
      customers' cards, the demo product on a real order) cannot be deleted: they are archived,
      keep no XML id of this addon, and are logged.

    Users' orders, invoices, payments and cards are never touched.
    """
    env = env(context=dict(env.context, active_test=False, **{MODULE_UNINSTALL_FLAG: True}))
    story = env["ir.model.data"].search(
        [("module", "=", "crm_loyalty"), ("name", "=like", DEMO_STORY_PREFIX + "%")]
    )
    if story:
        _remove_demo_story(env, story)
        story.exists().unlink()
    _archive_what_users_use(env)


def _records(env, data, model):
    return env[model].browse(data.filtered(lambda d: d.model == model).mapped("res_id")).exists()


def _remove_demo_story(env, story):
    moves = _records(env, story, "account.move")
    orders = _records(env, story, "sale.order")
    cards = _records(env, story, "loyalty.card")
    # what users' data depends on stays: a demo invoice reconciled with a document that is not
    # the story's (a payment), an order delivered for real, a card a later order used
    lines = moves.line_ids
    counterparts = (lines.matched_debit_ids.debit_move_id | lines.matched_credit_ids.credit_move_id).move_id
    kept_moves = (
        moves.filtered(lambda m: m.matched_payment_ids) if "matched_payment_ids" in moves else moves[:0]
    )
    if counterparts - moves:
        kept_moves |= moves.filtered(
            lambda m: (
                (
                    m.line_ids.matched_debit_ids.debit_move_id | m.line_ids.matched_credit_ids.credit_move_id
                ).move_id
                - moves
            )
        )
    kept_orders = orders.filtered(
        lambda o: (
            (o.invoice_ids - moves)
            or (o.invoice_ids & kept_moves)
            or ("picking_ids" in o and any(p.state == "done" for p in o.picking_ids))
        )
    )
    foreign_rows = env["loyalty.history"].search(
        [("card_id", "in", cards.ids), ("order_model", "!=", False), ("order_id", "!=", False)]
    )
    story_docs = {("sale.order", oid) for oid in (orders - kept_orders).ids} | {
        ("account.move", mid) for mid in (moves - kept_moves).ids
    }
    kept_cards = foreign_rows.filtered(
        lambda r: (
            r.order_model in ("sale.order", "account.move", "pos.order")
            and (r.order_model, r.order_id) not in story_docs
        )
    ).card_id
    kept_cards |= (
        env["sale.order.line"]
        .search([("coupon_id", "in", cards.ids), ("order_id", "not in", orders.ids)])
        .coupon_id
    )
    if kept_cards:
        # the story's orders are the history of a card kept for its customer: they stay too
        touching = env["loyalty.history"].search(
            [("card_id", "in", kept_cards.ids), ("order_model", "=", "sale.order")]
        )
        kept_orders |= orders.filtered(lambda o: o.id in touching.mapped("order_id"))
        kept_moves |= moves.filtered(lambda m: m.line_ids.sale_line_ids.order_id & kept_orders)
    if kept_moves or kept_orders or kept_cards:
        _logger.info(
            "Demo documents kept because users' data depends on them: %s, %s, %s",
            kept_moves,
            kept_orders,
            kept_cards,
        )
    moves -= kept_moves
    orders -= kept_orders
    cards -= kept_cards
    if moves:
        moves.filtered(lambda m: m.state != "draft").button_draft()
        moves.unlink()
    if orders:
        orders._action_cancel()
        if "picking_ids" in orders._fields:  # sale_stock installed: the story's deliveries go too
            pickings = orders.picking_ids
            pickings.move_ids.filtered(lambda m: m.state not in ("draft", "cancel"))._action_cancel()
            pickings.move_ids.unlink()
            pickings.unlink()
        orders.unlink()
    # the coupons the story's orders earned (core keeps them when an order is cancelled)
    cards.exists().unlink()


def _archive_what_users_use(env):
    """Delete this addon's records of models users' data may refer to, one at a time: what
    cannot be deleted because users' data refer to it is archived instead and logged, and
    loses its XML id so that the uninstall leaves it alone."""
    data = env["ir.model.data"].search(
        [("module", "=", "crm_loyalty"), ("model", "in", SHARED_MODELS)], order="id desc"
    )
    for xmlid in data:
        if not xmlid.exists():  # removed with an earlier one of the same record
            continue
        record = env[xmlid.model].browse(xmlid.res_id).exists()
        if not record:  # went with another record (a variant's template)
            xmlid.unlink()
            continue
        in_use = record._name == "res.partner" and env["loyalty.card"].search_count(
            [("partner_id", "=", record.id)], limit=1
        )
        if not in_use:
            try:
                with mute_logger("odoo.sql_db"), env.cr.savepoint():
                    record.unlink()
                xmlid.exists().unlink()
                continue
            except Exception:  # noqa: BLE001 - any refusal means: users' data refer to it
                in_use = True
        name = xmlid.complete_name
        if "active" in record._fields:
            record.active = False
        env["ir.model.data"].search(
            [("model", "=", xmlid.model), ("res_id", "=", record.id), ("module", "=", "crm_loyalty")]
        ).unlink()
        _logger.info("%s (%s) is kept, archived: users' data refer to it", record.display_name, name)
