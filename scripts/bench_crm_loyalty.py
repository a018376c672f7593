# Run by scripts/bench_crm_loyalty inside `odoo shell` (which defines `env`); not standalone.
# ruff: noqa: F821
import os
import time

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry

N_ORDERS = int(os.environ["BENCH_ORDERS"])
N_LEDGER = int(os.environ["BENCH_LEDGER"])
N_CARDS = int(os.environ["BENCH_CARDS"])
BATCH = 50


def step(label, elapsed):
    print(f"{label:<66} {elapsed:8.2f} s", flush=True)


def setup_orders(env, count):
    program = env["loyalty.program"].create(
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
    if "tier_ids" in program._fields:  # crm_loyalty: expiry and tiers as a real program would have
        program.write(
            {
                "points_validity_months": 12,
                "tier_ids": [
                    Command.create({"name": "Silver", "min_qualifying_points": 500, "earn_multiplier": 1}),
                    Command.create({"name": "Gold", "min_qualifying_points": 3000, "earn_multiplier": 1.5}),
                ],
            }
        )
    partners = env["res.partner"].create([{"name": f"Bench Customer {i}"} for i in range(200)])
    products = env["product.product"].create(
        [{"name": f"Bench Product {i}", "list_price": 10 + i, "type": "consu"} for i in range(20)]
    )
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
    started = time.perf_counter()
    for order in env["sale.order"].browse(ids):
        order.action_confirm()
    env.cr.commit()
    return time.perf_counter() - started


# ---------------------------------------------------------------- 1. order confirmation
print(
    f"== confirming {N_ORDERS} orders, baseline ({os.environ['BENCH_BASELINE']}) vs crm_loyalty", flush=True
)
base_registry = Registry(os.environ["BENCH_BASE_DB"])
warm = 20
with base_registry.cursor() as base_cr:
    base_env = api.Environment(base_cr, SUPERUSER_ID, {})
    base_ids = setup_orders(base_env, N_ORDERS + warm)
    loy_ids = setup_orders(env, N_ORDERS + warm)
    confirm(base_env, base_ids[:warm])  # warm caches of both, not counted
    confirm(env, loy_ids[:warm])
    base_ids, loy_ids = base_ids[warm:], loy_ids[warm:]
    totals = {"base": 0.0, "loy": 0.0}
    for k, start in enumerate(range(0, N_ORDERS, BATCH)):
        turns = [("base", base_env, base_ids), ("loy", env, loy_ids)]
        for name, e, ids in turns if k % 2 == 0 else turns[::-1]:  # alternate who goes first
            totals[name] += confirm(e, ids[start : start + BATCH])
    t_base, t_loy = totals["base"], totals["loy"]
    card_points = env["loyalty.card"].search([("program_id.name", "=", "Bench Club")])
    mismatches = len(card_points._crm_ledger_mismatches())
step("confirm, baseline", t_base)
step("confirm, with crm_loyalty", t_loy)
print(f"overhead of crm_loyalty: {100 * (t_loy / t_base - 1):+.1f} % (target <= +15 %)", flush=True)
print(f"cards whose balance differs from their ledger: {mismatches}", flush=True)
base_registry.delete(os.environ["BENCH_BASE_DB"])

# ---------------------------------------------------------------- 2. data for crons
cr = env.cr
program = env["loyalty.program"].search([("name", "=", "Bench Club")])
template_partner = env["res.partner"].create({"name": "Template"})
template_card = env["loyalty.card"].create({"program_id": program.id, "partner_id": template_partner.id})
env.flush_all()


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


started = time.perf_counter()
cr.execute("SELECT COALESCE(MAX(id), 0) FROM res_partner")
first_partner = cr.fetchone()[0] + 1
clone(
    "res_partner", template_partner.id, N_CARDS, {"name": "'Member ' || g", "commercial_partner_id": "NULL"}
)
cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id >= %s", [first_partner])
cr.execute("SELECT COALESCE(MAX(id), 0) FROM loyalty_card")
first_card = cr.fetchone()[0] + 1
clone(
    "loyalty_card",
    template_card.id,
    N_CARDS,
    {"partner_id": f"{first_partner} - 1 + g", "code": "'BENCH-' || g", "points": "0"},
)
per_card = max(N_LEDGER // N_CARDS, 1)
today = fields.Date.today()
# awards spread over the last 18 months, each valid 12 months: a third is due for expiry
cr.execute(
    """
    INSERT INTO crm_loyalty_ledger (card_id, partner_id, program_id, company_id, description, issued, used, entry_type,
                                 date, expiry_date, remaining_points, create_uid, write_uid,
                                 create_date, write_date)
    SELECT c.id, c.partner_id, c.program_id, c.company_id, 'Bench award', pts, 0, 'earn', d, d + interval '12 months',
           pts, 1, 1, now(), now()
      FROM loyalty_card c, generate_series(1, %s) k,
           LATERAL (SELECT (%s::date - ((c.id * 7 + k * 101) %% 548))::date AS d,
                           (10 + (c.id * 13 + k * 17) %% 300)::numeric AS pts) v
     WHERE c.id >= %s
     LIMIT %s
    """,
    [per_card, today, first_card, N_LEDGER],
)
cr.execute(
    """
    UPDATE loyalty_card c SET points = s.points
      FROM (SELECT card_id, SUM(issued - used) AS points FROM crm_loyalty_ledger
             WHERE card_id >= %s GROUP BY card_id) s
     WHERE c.id = s.card_id
    """,
    [first_card],
)
cr.execute("ANALYZE crm_loyalty_ledger; ANALYZE loyalty_card; ANALYZE res_partner")
cr.commit()
cr.execute("SELECT COUNT(*) FROM crm_loyalty_ledger")
ledger_rows = cr.fetchone()[0]
step(f"generated {N_CARDS} cards and {ledger_rows} ledger entries (SQL)", time.perf_counter() - started)

# ---------------------------------------------------------------- 3. tier review
Card = env["loyalty.card"]
# yesterday's state: every card already reviewed once (not timed; chatter notes for all)
started = time.perf_counter()
Card._cron_review_tiers(today=today - fields.date_utils.relativedelta(days=1))
cr.commit()
step("initial review (every card gets its tier, one note each)", time.perf_counter() - started)
cr.execute("SELECT COUNT(*) FROM loyalty_card WHERE tier_id IS NOT NULL")
print(f"cards in a tier: {cr.fetchone()[0]}", flush=True)
started = time.perf_counter()
changed = Card._cron_review_tiers(today=today)
cr.commit()
step(f"nightly tier review of {N_CARDS} cards ({len(changed)} changed)", time.perf_counter() - started)
# a month later: awards leave the window, some customers start their grace or are downgraded
started = time.perf_counter()
changed = Card._cron_review_tiers(today=today + fields.date_utils.relativedelta(months=1))
cr.commit()
step(f"tier review a month later ({len(changed)} changed tier)", time.perf_counter() - started)

# ---------------------------------------------------------------- 4. expiry
cr.execute(
    "SELECT COUNT(*), COALESCE(SUM(remaining_points), 0) FROM crm_loyalty_ledger "
    "WHERE remaining_points > 0 AND expiry_date <= %s",
    [today],
)
due_rows, due_points = cr.fetchone()
started = time.perf_counter()
result = Card._cron_expire_points(today=today)
cr.commit()
step(
    f"expiry cron over {ledger_rows} entries ({due_rows} awards due, {result['cards']} cards)",
    time.perf_counter() - started,
)
started = time.perf_counter()
result = Card._cron_expire_points(today=today)
cr.commit()
step(f"expiry cron again, nothing due ({result['cards']} cards)", time.perf_counter() - started)
sample = Card.search([("id", ">=", first_card)], limit=2000)
print(
    f"sample of 2000 cards, balance differs from ledger: {len(sample._crm_ledger_mismatches())}", flush=True
)
