# Run by scripts/bench_crm_extended inside `odoo shell` (which defines `env`); not standalone.
# ruff: noqa: F821
import os
import random
import time
from contextlib import closing
from datetime import timedelta

from odoo import fields, sql_db
from odoo.addons.crm_extended.models.crm_name_normalize import normalize_name

N_CUSTOMERS = int(os.environ["BENCH_CUSTOMERS"])
N_ORDERS = int(os.environ["BENCH_ORDERS"])
N_DUPS = int(os.environ["BENCH_DUPS"])
SAMPLE = int(os.environ["BENCH_SAMPLE"])
cr = env.cr
company = env.company
random.seed(42)


def step(label, started):
    elapsed = time.perf_counter() - started
    print(f"{label:<58} {elapsed:8.2f} s", flush=True)
    return elapsed


# ---------------------------------------------------------------- data
t = time.perf_counter()
cr.execute(
    """
    INSERT INTO res_partner (name, complete_name, type, active, is_company, autopost_bills, company_id,
                             create_date, write_date)
    SELECT 'Bench customer ' || g, 'Bench customer ' || g, 'contact', TRUE, TRUE, 'ask', NULL, now(), now()
      FROM generate_series(1, %s) g
    RETURNING id
    """,
    (N_CUSTOMERS,),
)
ids = [r[0] for r in cr.fetchall()]
cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL")
lo, hi = min(ids), max(ids)
# Order counts follow a skewed distribution: a few customers buy a lot, most a little.
cr.execute(
    """
    INSERT INTO sale_order (name, partner_id, crm_commercial_partner_id, partner_invoice_id, partner_shipping_id,
                            company_id, currency_id,
                            date_order, state, amount_untaxed, amount_total, amount_tax, currency_rate,
                            create_date, write_date)
    SELECT 'B' || g, p, p, p, p, %(company)s, %(currency)s,
           now() - random() ^ 2 * interval '700 days', 'sale', amount, amount, 0, 1, now(), now()
      FROM (SELECT g, %(lo)s + floor((%(hi)s - %(lo)s + 1) * random() ^ 1.6)::int AS p,
                   round((20 + random() ^ 3 * 5000)::numeric, 2) AS amount
              FROM generate_series(1, %(n)s) g) s
    """,
    {"company": company.id, "currency": company.currency_id.id, "lo": lo, "hi": hi, "n": N_ORDERS},
)
cr.commit()
# A live database is vacuumed by autovacuum; freshly loaded rows are not yet.
with closing(sql_db.db_connect(cr.dbname).cursor()) as vacuum_cr:
    vacuum_cr._cnx.autocommit = True
    vacuum_cr.execute("VACUUM ANALYZE sale_order")
    vacuum_cr.execute("VACUUM ANALYZE res_partner")
step(f"generate {N_CUSTOMERS:,} customers and {N_ORDERS:,} orders (SQL)", t)

# ---------------------------------------------------------------- RFM, set-based
Partner = env["res.partner"]
t = time.perf_counter()
Partner.action_recompute_rfm()
cr.commit()
rfm_time = step("action_recompute_rfm(): every customer, first run", t)
t = time.perf_counter()
Partner.action_recompute_rfm()
cr.commit()
step("action_recompute_rfm(): second run (few changes)", t)
cr.execute(
    "SELECT rfm_segment, COUNT(*) FROM res_partner WHERE rfm_segment IS NOT NULL GROUP BY 1 ORDER BY 2 DESC"
)
print("segments:", ", ".join(f"{s}={n}" for s, n in cr.fetchall()))

# ---------------------------------------------------------------- naive baseline on a sample
# The same job done the naive way: per customer, ORM reads of his orders, the scores, segment
# (same R x FM grid) and churn risk computed in Python, one write and one history row each.


def naive_segment(r, fm):
    if r <= 2:
        if fm == 5:
            return "cannot_lose"
        if fm >= 3:
            return "at_risk"
        return "lost" if r == 1 and fm == 1 else "hibernating"
    if r == 3 and fm <= 2:
        return "about_to_sleep"
    if r == 3 and fm == 3:
        return "need_attention"
    if r <= 4 and fm >= 4:
        return "loyal"
    if r == 4 and fm == 1:
        return "promising"
    if r == 5 and fm == 1:
        return "new_customer"
    return "potential_loyalist" if fm <= 3 else "champions"


sample_ids = random.sample(ids, min(SAMPLE, len(ids)))
# like the set-based first run, the sample starts unscored (rolled back afterwards)
cr.execute(
    "UPDATE res_partner SET rfm_recency = NULL, rfm_frequency = NULL, rfm_monetary = NULL,"
    " rfm_score = NULL, rfm_segment = NULL, rfm_segment_date = NULL, churn_risk = NULL"
    " WHERE id = ANY(%s)",
    [sample_ids],
)
Partner.invalidate_model()
now = fields.Datetime.now()
start = now - timedelta(days=365)
default_interval = timedelta(days=Partner._churn_default_interval())
t = time.perf_counter()
values, churn = {}, {}
for partner in Partner.browse(sample_ids):
    orders = env["sale.order"].search([("partner_id", "child_of", partner.id), ("state", "=", "sale")])
    if not orders:
        continue
    dates = orders.mapped("date_order")
    last, first = max(dates), min(dates)
    interval = (last - first) / (len(orders) - 1) if len(orders) > 1 else default_interval
    idle = now - last
    churn[partner.id] = "low" if idle <= 1.5 * interval else "medium" if idle <= 3 * interval else "high"
    recent = orders.filtered(lambda o: o.date_order >= start)
    if recent:
        values[partner.id] = (
            max(recent.mapped("date_order")),
            len(recent),
            sum(o.amount_untaxed / (o.currency_rate or 1.0) for o in recent),
        )
ranked = {}
for k in range(3):
    ordered = sorted(values, key=lambda pid, k=k: values[pid][k])
    for rank, pid in enumerate(ordered, start=1):
        ranked.setdefault(pid, []).append(-(-5 * rank // len(ordered)))
today = fields.Date.context_today(Partner)
for partner in Partner.browse(list(churn)):
    r, f, m = ranked.get(partner.id, (None, None, None))
    segment = naive_segment(r, round((f + m) / 2.0 + 1e-9)) if r else "lost"
    vals = {
        "rfm_recency": r,
        "rfm_frequency": f,
        "rfm_monetary": m,
        "rfm_score": f"{r}{f}{m}" if r else False,
        "churn_risk": churn[partner.id],
    }
    if partner.rfm_segment != segment:
        env["crm.rfm.history"].create(
            {
                "partner_id": partner.id,
                "date": today,
                "old_segment": partner.rfm_segment,
                "new_segment": segment,
                "rfm_score": vals["rfm_score"],
            }
        )
        vals.update(rfm_segment=segment, rfm_segment_date=today)
    partner.write(vals)
env.flush_all()
naive_sample = time.perf_counter() - t
naive_total = naive_sample * len(ids) / len(sample_ids)
cr.rollback()
print(f"{'naive per-partner ORM loop on ' + str(len(sample_ids)) + ' customers':<58} {naive_sample:8.2f} s")
print(f"{'  extrapolated to ' + format(len(ids), ',') + ' customers':<58} {naive_total:8.2f} s")
ratio = naive_total / rfm_time
print(f"RFM: {rfm_time:.2f} s set-based vs {naive_total:.0f} s naive (extrapolated): {ratio:.0f}x faster")
print(
    f"RFM target <= 30 s: {'OK' if rfm_time <= 30 else 'MISSED'}; >= 50x: {'OK' if ratio >= 50 else 'MISSED'}"
)

# ---------------------------------------------------------------- duplicate scan
words = [
    "".join(random.choice("bcdfghjklmnprstvwz") + random.choice("aeiou") for _ in range(random.randint(2, 4)))
    for _ in range(4000)
]
arabic = [
    "محمد",
    "أحمد",
    "علي",
    "حسن",
    "حسين",
    "خالد",
    "عمر",
    "يوسف",
    "إبراهيم",
    "سعيد",
    "النور",
    "الفجر",
    "التجارة",
    "الخليج",
    "الشرق",
    "مؤسسة",
    "دار",
    "الرياض",
    "القاهرة",
    "العربية",
]
rows = []
for i in range(N_DUPS):
    if i % 10 == 0:
        name = " ".join(random.sample(arabic, 3)) + f" {i}"
    else:
        name = " ".join(random.sample(words, 3)).title()
    rows.append([name, f"contact{i}@bench{i % 997}.example.com", f"+2010{i:08d}" if i % 2 else None])
for i in range(0, N_DUPS, 50):  # ~2% near-duplicates: same customer typed again
    name, email, phone = rows[i]
    rows.append([name.upper() + " LLC", email.upper() if i % 100 == 0 else None, phone])
values = [
    (name, normalize_name(name) or None, email, email and email.strip().lower(), phone, phone)
    for name, email, phone in rows
]
t = time.perf_counter()
from psycopg2.extras import execute_values  # noqa: E402

execute_values(
    cr._obj,
    """
    INSERT INTO res_partner (name, complete_name, name_normalized, email, email_normalized, phone, phone_e164,
                             type, active, is_company, autopost_bills, create_date, write_date)
    SELECT v.name, v.name, v.nn, v.email, v.en, v.phone, v.pe, 'contact', TRUE, TRUE, 'ask', now(), now()
      FROM (VALUES %s) v(name, nn, email, en, phone, pe)
    """,
    values,
    page_size=5000,
)
cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL")
cr.execute("UPDATE res_partner SET active = FALSE WHERE name LIKE 'Bench customer %'")  # scan only these
cr.execute("ANALYZE res_partner")
cr.commit()
step(f"generate {len(values):,} partners for the duplicate scan", t)
Partner.invalidate_model()
t = time.perf_counter()
found = env["crm.duplicate.candidate"].action_scan()
cr.commit()
scan_time = step(f"action_scan() over {len(values):,} partners", t)
print(f"duplicate scan: {found:,} candidate pairs (about {len(values) - N_DUPS:,} planted)")
print(f"duplicate scan target <= 20 s: {'OK' if scan_time <= 20 else 'MISSED'}")
