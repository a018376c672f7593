# Run by scripts/bench_install inside `odoo shell` (which defines `env`); not standalone.
# Generates an existing sales history set-based: one template record each, copied in SQL.
# ruff: noqa: F821
import os
import time

from odoo import Command

N_CUSTOMERS = int(os.environ["BENCH_CUSTOMERS"])
N_ORDERS = int(os.environ["BENCH_ORDERS"])
cr = env.cr


def clone(table, template_id, count, overrides):
    """INSERT count copies of a template row, some columns replaced by SQL expressions of g."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'",
        [table],
    )
    columns = [c for (c,) in cr.fetchall()]
    select = ", ".join(overrides.get(c, f't."{c}"') for c in columns)
    cr.execute(
        f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)}) '  # noqa: S608
        f"SELECT {select} FROM {table} t, generate_series(1, %s) g WHERE t.id = %s",
        [count, template_id],
    )


def first_id(table):
    cr.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')  # noqa: S608
    return cr.fetchone()[0]


started = time.perf_counter()
product = env["product.product"].create({"name": "Bench Product", "list_price": 50.0, "type": "consu"})
partner = env["res.partner"].create(
    {"name": "Template Customer", "is_company": True, "email": "t@example.com"}
)
order = env["sale.order"].create(
    {
        "partner_id": partner.id,
        "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
    }
)
order.action_confirm()
env.flush_all()
line = order.order_line

p0 = first_id("res_partner")
clone(
    "res_partner",
    partner.id,
    N_CUSTOMERS,
    {
        "name": "'Customer ' || g",
        "complete_name": "'Customer ' || g",
        "email": "'customer' || g || '@example.com'",
        "phone": "'+1 555 ' || lpad(g::text, 7, '0')",
        "commercial_partner_id": "NULL",
    },
)
cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id >= %s", [p0])
o0 = first_id("sale_order")
clone(
    "sale_order",
    order.id,
    N_ORDERS,
    {
        "name": "'BENCH/' || g",
        "partner_id": f"{p0} + mod(g::bigint * 7919, {N_CUSTOMERS})",
        "partner_invoice_id": f"{p0} + mod(g::bigint * 7919, {N_CUSTOMERS})",
        "partner_shipping_id": f"{p0} + mod(g::bigint * 7919, {N_CUSTOMERS})",
        "state": "CASE WHEN mod(g, 10) = 0 THEN 'draft' ELSE 'sale' END",
        "date_order": "now() - mod(g, 1095) * interval '1 day'",
        "amount_untaxed": "(10 + mod(g, 500))::numeric",
        "amount_total": "(10 + mod(g, 500))::numeric",
        "access_token": "NULL",
    },
)
clone(
    "sale_order_line",
    line.id,
    N_ORDERS,
    {
        "order_id": f"{o0} - 1 + g",
        "order_partner_id": f"{p0} + mod(g::bigint * 7919, {N_CUSTOMERS})",
        "price_unit": "(10 + mod(g, 500))::numeric",
        "price_subtotal": "(10 + mod(g, 500))::numeric",
        "price_total": "(10 + mod(g, 500))::numeric",
        "state": "CASE WHEN mod(g, 10) = 0 THEN 'draft' ELSE 'sale' END",
    },
)
cr.execute("ANALYZE")
cr.commit()
cr.execute("SELECT COUNT(*) FROM res_partner")
n_partners = cr.fetchone()[0]
cr.execute("SELECT COUNT(*) FROM sale_order")
n_orders = cr.fetchone()[0]
print(
    f"generated {n_partners} contacts, {n_orders} sales orders (one line each) in "
    f"{time.perf_counter() - started:.1f} s",
    flush=True,
)
