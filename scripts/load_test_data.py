# Run by scripts/load_test.py inside `odoo shell` (which defines `env`); not standalone.
# Generates the load test's data: customers with loyalty cards holding points, storable
# products in stock, open tickets, portal users for some customers and the internal users
# (salespeople, back office, agents), all sharing one password. Prints one JSON line
# "LOADTEST_DATA {...}" the driver reads.
# ruff: noqa: F821
import json
import os
import time

from odoo import Command

N_CUSTOMERS = int(os.environ["LOADTEST_CUSTOMERS"])
N_PORTAL = int(os.environ["LOADTEST_PORTAL"])
N_STAFF = int(os.environ["LOADTEST_STAFF"])
N_TICKETS = int(os.environ["LOADTEST_TICKETS"])
PASSWORD = os.environ["LOADTEST_PASSWORD"]
BATCH = 500
started = time.perf_counter()
env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True))

company = env.company
program = env["loyalty.program"].create(
    {
        "name": "Load Club",
        "program_type": "loyalty",
        "applies_on": "both",
        "trigger": "auto",
        "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
        "reward_ids": [
            Command.create(
                {
                    "reward_type": "discount",
                    "discount": 0.2,
                    "discount_mode": "per_point",
                    "discount_applicability": "order",
                    "required_points": 50,
                }
            )
        ],
    }
)
# the other loyalty programs would add rewards the salespeople are not asked about
env["loyalty.program"].search([("id", "!=", program.id)]).write({"active": False})

products = env["product.product"].create(
    [
        {
            "name": f"Load Product {i}",
            "list_price": 20 + 5 * i,
            "type": "consu",
            "is_storable": True,
            "invoice_policy": "order",
        }
        for i in range(20)
    ]
)
stock = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1).lot_stock_id
for product in products:
    env["stock.quant"]._update_available_quantity(product, stock, 100000)

partner_ids = []
for start in range(0, N_CUSTOMERS, BATCH):
    partners = env["res.partner"].create(
        [
            {"name": f"Load Customer {i}", "email": f"load.customer.{i}@example.com"}
            for i in range(start, min(start + BATCH, N_CUSTOMERS))
        ]
    )
    env["loyalty.card"].create(
        [{"program_id": program.id, "partner_id": p.id, "points": 200 + (p.id * 37) % 800} for p in partners]
    )
    partner_ids += partners.ids
    env.cr.commit()

ticket_type = env["crm.ticket.type"].search([], limit=1)
tickets = env["crm.ticket"].create(
    [
        {
            "name": f"Load ticket {i}",
            "description": "<p>Generated open ticket</p>",
            "partner_id": partner_ids[i % len(partner_ids)],
            "channel": "web",
            "ticket_type_id": ticket_type.id,
            "company_id": company.id,
        }
        for i in range(N_TICKETS)
    ]
)


def make_user(login, name, groups, partner=None):
    vals = {
        "login": login,
        "name": name,
        "email": f"{login}@example.com",
        "groups_id": [Command.set(groups)],
        "company_id": company.id,
        "company_ids": [Command.set([company.id])],
    }
    if partner:
        vals["partner_id"] = partner
    return env["res.users"].with_context(no_reset_password=True).create(vals)


ref = env.ref
roles = {
    "sales": [
        ref("sales_team.group_sale_salesman_all_leads").id,
        ref("crm_loyalty.group_crm_loyalty_user").id,
    ],
    "backoffice": [
        ref("crm_erp_bridge.group_crm_erp_bridge_back_office").id,
        ref("account.group_account_invoice").id,
    ],
    "agent": [ref("crm_extended.group_crm_service_user").id],
}
users = {"portal": []}
first = None
for role, groups in roles.items():
    users[role] = []
    for i in range(N_STAFF):
        user = make_user(f"load_{role}_{i}", f"Load {role} {i}", groups + [ref("base.group_user").id])
        users[role].append(user.login)
        first = first or user
portal_group = ref("base.group_portal").id
for i in range(N_PORTAL):
    user = make_user(f"load_portal_{i}", f"Load Customer {i}", [portal_group], partner=partner_ids[i])
    users["portal"].append(user.login)
# hashing a password is slow on purpose: hash it once and give every user the same hash
first.password = PASSWORD
env.flush_all()
env.cr.execute(
    "UPDATE res_users SET password = (SELECT password FROM res_users WHERE id = %s) WHERE login LIKE 'load\\_%%'",
    [first.id],
)
# the suite's crons (not core's) are due now and every minute, so they run during the load
env.cr.execute(
    """
    UPDATE ir_cron c SET nextcall = now() at time zone 'utc' - interval '1 minute',
                         interval_number = 1, interval_type = 'minutes', active = true
      FROM ir_model_data d
     WHERE d.model = 'ir.cron' AND d.res_id = c.id
       AND d.module LIKE ANY (ARRAY['crm\\_extended%%', 'crm\\_service%%', 'crm\\_loyalty%%', 'crm\\_erp\\_bridge%%'])
    """
)
env.cr.execute("ANALYZE")
env.cr.commit()
data = {
    "program_id": program.id,
    "product_ids": products.ids,
    "partner_ids": partner_ids,
    "ticket_ids": tickets.ids,
    "users": users,
    "seconds": round(time.perf_counter() - started, 1),
}
print("LOADTEST_DATA " + json.dumps(data), flush=True)
