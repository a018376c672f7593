# Run by scripts/bench_crm_tickets inside `odoo shell` (which defines `env`); not standalone.
# ruff: noqa: F821
import os
import random
import time
from datetime import datetime, timedelta

import pytz

from odoo import Command, fields

N_TICKETS = int(os.environ["BENCH_TICKETS"])
SAMPLE = int(os.environ["BENCH_SAMPLE"])
cr = env.cr
random.seed(7)


def step(label, started):
    elapsed = time.perf_counter() - started
    print(f"{label:<62} {elapsed:8.2f} s", flush=True)
    return elapsed


# ---------------------------------------------------------------- data
t = time.perf_counter()
Calendar = env["resource.calendar"]


def calendar(name, tz, days):
    return Calendar.create(
        {
            "name": name,
            "tz": tz,
            "attendance_ids": [
                Command.create({"name": f"{d} {p}", "dayofweek": str(d), "hour_from": a, "hour_to": b})
                for d in days
                for p, a, b in (("am", 8, 12), ("pm", 13, 17))
            ],
        }
    )


cal_eu = calendar("Bench Brussels", "Europe/Brussels", range(5))
cal_gulf = calendar("Bench Riyadh", "Asia/Riyadh", (6, 0, 1, 2, 3))  # Sunday to Thursday
today = fields.Date.today()
for cal in (cal_eu, cal_gulf):
    for k in (3, 17):  # two public holidays inside the period
        day = datetime.combine(today - timedelta(days=k), datetime.min.time())
        env["resource.calendar.leaves"].create(
            {"name": "Holiday", "calendar_id": cal.id, "date_from": day, "date_to": day + timedelta(hours=23)}
        )
leader = env.ref("base.user_admin")
teams = env["crm.ticket.team"].create(
    [
        {"name": "Bench EU", "resource_calendar_id": cal_eu.id, "user_id": leader.id},
        {"name": "Bench Gulf", "resource_calendar_id": cal_gulf.id, "user_id": leader.id},
    ]
)
slas = env["crm.ticket.sla"]
for team in teams:
    for priority, response, resolution in (("3", 1, 8), ("2", 4, 16), (False, 8, 40)):
        slas |= slas.create(
            {
                "name": f"{team.name} {priority or 'any'}",
                "team_id": team.id,
                "priority": priority,
                "response_hours": response,
                "resolution_hours": resolution,
            }
        )
sla_rows = [(s.id, s.team_id.id, s.priority) for s in slas]
stage = env.ref("crm_service.ticket_stage_new")
company = env.company
cr.execute(
    """
    INSERT INTO res_partner (name, complete_name, type, active, is_company, autopost_bills, create_date, write_date)
    SELECT 'Bench ticket customer ' || g, 'Bench ticket customer ' || g, 'contact', TRUE, TRUE, 'ask', now(), now()
      FROM generate_series(1, 5000) g
    RETURNING id
    """
)
partners = [r[0] for r in cr.fetchall()]
cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL")
# one SLA row per (team, priority), 'any' as fallback
by_team = {}
for sla_id, team_id, priority in sla_rows:
    by_team.setdefault(team_id, {})[priority] = sla_id
values = []
now = fields.Datetime.now()
for g in range(N_TICKETS):
    team_id = teams[g % 2].id
    priority = random.choice("0112233") if g % 7 else "3"
    sla_id = by_team[team_id].get(priority) or by_team[team_id][False]
    created = now - timedelta(minutes=random.randint(0, 4 * 24 * 60))
    values.append((f"B{g}", team_id, sla_id, priority, partners[g % len(partners)], created))
cr.execute(
    """
    INSERT INTO crm_ticket (number, name, team_id, sla_id, priority, partner_id, commercial_partner_id,
                            stage_id, is_closed, channel, company_id, active, create_date, write_date)
    SELECT v.number, 'Bench ticket ' || v.number, v.team_id, v.sla_id, v.priority, v.partner_id, v.partner_id,
           %(stage)s, FALSE, 'email', %(company)s, TRUE, v.created, v.created
      FROM unnest(%(number)s::varchar[], %(team)s::int[], %(sla)s::int[], %(priority)s::varchar[],
                  %(partner)s::int[], %(created)s::timestamp[])
           AS v(number, team_id, sla_id, priority, partner_id, created)
    """,
    {
        "stage": stage.id,
        "company": company.id,
        "number": [v[0] for v in values],
        "team": [v[1] for v in values],
        "sla": [v[2] for v in values],
        "priority": [v[3] for v in values],
        "partner": [v[4] for v in values],
        "created": [v[5] for v in values],
    },
)
cr.commit()
cr.execute("ANALYZE crm_ticket")
step(f"generate {N_TICKETS:,} open tickets, 2 teams, 6 SLA policies (SQL)", t)

# ---------------------------------------------------------------- the cron, set-based
Ticket = env["crm.ticket"]
t = time.perf_counter()
result = Ticket._sla_recompute_open()
cr.commit()
first = step("_sla_recompute_open(): deadlines + statuses, first run", t)
print(f"  {result}")
cr.execute("SELECT sla_status, count(*) FROM crm_ticket GROUP BY 1 ORDER BY 2 DESC")
print("  statuses:", ", ".join(f"{s}={n:,}" for s, n in cr.fetchall()))
t = time.perf_counter()
result = Ticket._sla_recompute_open()
cr.commit()
step("_sla_recompute_open(): steady state (next cron run)", t)
print(f"  {result}")
t = time.perf_counter()
escalated = Ticket._sla_escalate()
cr.commit()
step(f"_sla_escalate(): {escalated:,} activities for the team leader", t)
t = time.perf_counter()
Ticket._cron_sla_update()
cr.commit()
step("_cron_sla_update(): whole cron, steady state", t)

# ---------------------------------------------------------------- per-ticket plan_hours, for comparison
cr.execute(
    """SELECT t.create_date, sla.resolution_hours, team.resource_calendar_id, t.sla_deadline
         FROM crm_ticket t JOIN crm_ticket_sla sla ON sla.id = t.sla_id
         JOIN crm_ticket_team team ON team.id = t.team_id
        ORDER BY random() LIMIT %s""",
    [SAMPLE],
)
sample = cr.fetchall()
t = time.perf_counter()
mismatches = 0
for created, hours, calendar_id, deadline in sample:
    cal = Calendar.browse(calendar_id)
    planned = cal.plan_hours(hours, pytz.utc.localize(created), compute_leaves=True)
    planned = planned.astimezone(pytz.utc).replace(tzinfo=None) if planned else None
    if planned is None or abs((planned - deadline).total_seconds()) > 1:
        mismatches += 1
naive = time.perf_counter() - t
print(f"{'plan_hours() per ticket on ' + str(len(sample)) + ' tickets':<62} {naive:8.2f} s")
extrapolated = naive * N_TICKETS / max(len(sample), 1)
print(
    f"{'  extrapolated to ' + format(N_TICKETS, ',') + ' tickets (resolution deadline only)':<62} {extrapolated:8.2f} s"
)
print(f"  deadlines differing from plan_hours(): {mismatches} of {len(sample)}")
print(f"SLA recompute target <= 20 s for {N_TICKETS:,} open tickets: {'OK' if first <= 20 else 'MISSED'}")
