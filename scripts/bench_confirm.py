# Run by scripts/bench_confirm inside `odoo shell` (which defines `env`); not standalone.
# ruff: noqa: F821
import os
import time

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

N_ORDERS = int(os.environ["BENCH_ORDERS"])
BATCH = 25
WARM = 20


def setup(env, count):
    """The same program, customers, products (in stock when sale_stock is there) and quotations;
    a database kept by an earlier run (--keep-db, --reuse-db) keeps its program and products."""
    if env["loyalty.program"].search([("name", "=", "Bench Club")]):
        partners = env["res.partner"].search([("name", "=like", "Bench Customer %")], order="id")
        products = env["product.product"].search([("name", "=like", "Bench Product %")], order="id")
        return create_orders(env, count, partners, products)
    env["loyalty.program"].create(
        {
            "name": "Bench Club",
            "program_type": "loyalty",
            "applies_on": "both",
            "trigger": "auto",
            "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
            "reward_ids": [
                Command.create(
                    {
                        "reward_type": "discount",
                        "discount": 5,
                        "discount_mode": "percent",
                        "required_points": 100000,
                    }
                )
            ],
        }
    )
    partners = env["res.partner"].create([{"name": f"Bench Customer {i}"} for i in range(200)])
    product_vals = {"type": "consu"}
    if "is_storable" in env["product.template"]._fields:  # sale_stock: storable, stock on hand
        product_vals["is_storable"] = True
    products = env["product.product"].create(
        [{"name": f"Bench Product {i}", "list_price": 10 + i, **product_vals} for i in range(20)]
    )
    if "stock.quant" in env and product_vals.get("is_storable"):
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        for product in products:
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1_000_000)
    return create_orders(env, count, partners, products)


def create_orders(env, count, partners, products):
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partners[i % 200].id,
                "order_line": [
                    Command.create({"product_id": products[(i + k) % 20].id, "product_uom_qty": 1 + k})
                    for k in range(3)
                ],
            }
            for i in range(count)
        ]
    )
    env.cr.commit()
    return orders.ids


def confirm(env, ids):
    """One order per transaction, like a user's click: the commit (and its precommit hooks,
    where the suite refreshes the customer figures) is part of the confirmation."""
    started = time.perf_counter()
    for order in env["sale.order"].browse(ids):
        order.action_confirm()
        env.cr.commit()
    return time.perf_counter() - started


print(f"== confirming {N_ORDERS} orders of 3 lines, loyalty program active, in each database", flush=True)
registries = {
    "suite": None,
    "stock": Registry(os.environ["BENCH_DB_STOCK"]),
    "nostock": Registry(os.environ["BENCH_DB_NOSTOCK"]),
    "loyalty": Registry(os.environ["BENCH_DB_LOYALTY"]),
}
OTHERS = ("stock", "nostock", "loyalty")
cursors = {"suite": env.cr}
envs = {"suite": env}
for name in OTHERS:
    cursors[name] = registries[name].cursor()
    envs[name] = api.Environment(cursors[name], SUPERUSER_ID, {})
try:
    ids = {name: setup(e, N_ORDERS + WARM) for name, e in envs.items()}
    for name, e in envs.items():  # warm the caches, not counted
        confirm(e, ids[name][:WARM])
        ids[name] = ids[name][WARM:]
    totals = dict.fromkeys(envs, 0.0)
    names = list(envs)
    for k, start in enumerate(range(0, N_ORDERS, BATCH)):
        for name in names[k % len(names) :] + names[: k % len(names)]:  # rotate who goes first
            totals[name] += confirm(envs[name], ids[name][start : start + BATCH])
    states = {name: sorted(set(envs[name]["sale.order"].browse(ids[name]).mapped("state"))) for name in envs}
finally:
    for name in OTHERS:
        cursors[name].close()
per_order = {name: 1000 * total / N_ORDERS for name, total in totals.items()}
labels = {
    "suite": "suite (crm_extended, crm_loyalty, crm_erp_bridge)",
    "stock": "core sale_loyalty + sale_stock",
    "nostock": "suite without stock (crm_extended, crm_loyalty)",
    "loyalty": "core sale_loyalty",
}
for name in ("loyalty", "nostock", "stock", "suite"):
    print(f"{labels[name]:<52} {totals[name]:8.2f} s  {per_order[name]:7.1f} ms/order  {states[name]}")
print(
    f"suite vs sale_loyalty + sale_stock: {100 * (totals['suite'] / totals['stock'] - 1):+.1f} % (target <= +5 %)"
)
print(
    f"suite without stock vs sale_loyalty alone: {100 * (totals['nostock'] / totals['loyalty'] - 1):+.1f} %"
    " (target <= +15 %)"
)
print(
    f"whole suite vs sale_loyalty alone: {100 * (totals['suite'] / totals['loyalty'] - 1):+.1f} %"
    " (sale_stock's pickings included, no target)"
)
