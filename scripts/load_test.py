"""Load test of the CRM suite with invariants; run through scripts/load_test (see its --help).

Creates a fresh database (no demo data), generates customers with loyalty cards, stock and open
tickets, serves it with Odoo in prefork mode on 127.0.0.1 with the crons due, and runs simulated
users over JSON-RPC and the portal's pages for a bounded time and number of requests. Then it
prints throughput and latency per action and checks the invariants on the database.
"""

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

import psycopg2
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests import odoo_harness as h  # noqa: E402

HOST = "127.0.0.1"
ADDONS = ["crm_extended", "crm_service", "crm_loyalty", "crm_erp_bridge"]
LOG_DIR = ROOT / "var" / "log"
RAMP_UP = 0.25  # seconds between two users' arrivals
TOKEN = "lt-"  # marks the tickets and replies the driver writes
BUSINESS_ERRORS = {"odoo.exceptions.UserError", "odoo.exceptions.ValidationError"}
SERIALIZATION = re.compile(r"could not serialize|concurrent update|serialization_failure", re.I)


# ------------------------------------------------------------------------------- statistics


def percentile(values, pct):
    """Nearest-rank percentile of a list of numbers (0 for an empty list)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-pct * len(ordered) // 100))))
    return ordered[rank - 1]


class Recorder:
    """Thread-safe record of every request: action, latency and outcome."""

    def __init__(self, max_requests):
        self.lock = threading.Lock()
        self.max_requests = max_requests
        self.count = 0
        self.latency = defaultdict(list)
        self.outcomes = defaultdict(lambda: defaultdict(int))
        self.errors = []
        self.refusals = defaultdict(int)
        self.tickets = []  # tokens of tickets created through the portal
        self.replies = []  # tokens of agents' replies

    def take(self):
        """Reserve one request; False once the request budget is spent."""
        with self.lock:
            if self.count >= self.max_requests:
                return False
            self.count += 1
            return True

    def add(self, action, seconds, outcome, message=""):
        with self.lock:
            self.latency[action].append(seconds)
            self.outcomes[action][outcome] += 1
            if outcome == "error":
                self.errors.append(f"{action}: {message[:300]}")
            elif outcome == "refused":
                self.refusals[f"{action}: {message.splitlines()[0][:120] if message else ''}"] += 1

    def report(self, elapsed):
        lines = [
            f"{'action':<18}{'count':>7}{'ok':>7}{'refused':>9}{'errors':>8}"
            f"{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        ]
        total = ok = refused = errors = 0
        every = []
        for action in sorted(self.latency):
            lat = self.latency[action]
            out = self.outcomes[action]
            total += len(lat)
            ok += out["ok"]
            refused += out["refused"]
            errors += out["error"]
            every += lat
            lines.append(
                f"{action:<18}{len(lat):>7}{out['ok']:>7}{out['refused']:>9}{out['error']:>8}"
                f"{len(lat) / elapsed:>8.2f}{1000 * percentile(lat, 50):>9.0f}"
                f"{1000 * percentile(lat, 95):>9.0f}{1000 * percentile(lat, 99):>9.0f}"
            )
        lines.append(
            f"{'all':<18}{total:>7}{ok:>7}{refused:>9}{errors:>8}{total / elapsed:>8.2f}"
            f"{1000 * percentile(every, 50):>9.0f}{1000 * percentile(every, 95):>9.0f}"
            f"{1000 * percentile(every, 99):>9.0f}"
        )
        rate = errors / total if total else 0.0
        lines.append(
            f"requests: {total} in {elapsed:.0f} s, error rate {100 * rate:.2f} % "
            f"(business refusals, not errors: {refused})"
        )
        return "\n".join(lines), errors, total


# ------------------------------------------------------------------------------- clients


class RpcError(Exception):
    def __init__(self, name, message):
        super().__init__(message)
        self.name = name


def classify(exc):
    """'refused' for a clean business refusal (UserError, ValidationError), else 'error'."""
    if (
        isinstance(exc, RpcError)
        and exc.name in BUSINESS_ERRORS
        and not SERIALIZATION.search(str(exc))
        # a database constraint violation reported as a ValidationError is a defect, not a refusal
        and not str(exc).startswith("The operation cannot be completed")
    ):
        return "refused"
    return "error"


class Client:
    """One simulated user: a logged-in session on the server."""

    def __init__(self, url, db, login, password, recorder):
        self.url, self.db, self.login, self.password = url, db, login, password
        self.rec = recorder
        self.session = requests.Session()
        # one request per connection, as a reverse proxy talks to Odoo (nginx's default): a
        # prefork worker serves one connection at a time and would wait on an idle kept-alive
        # one until its 2-second socket timeout
        self.session.headers["Connection"] = "close"
        self.uid = None

    def timed(self, action, func, *args, **kwargs):
        """Run one request, record it; returns the result, or None when refused or failed."""
        if not self.rec.take():
            raise StopIteration
        started = time.perf_counter()
        try:
            result = func(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded, none stops the user
            self.rec.add(action, time.perf_counter() - started, classify(exc), f"{type(exc).__name__}: {exc}")
            return None
        self.rec.add(action, time.perf_counter() - started, "ok")
        return result

    def _json(self, path, params):
        reply = self.session.post(
            self.url + path, json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}, timeout=120
        )
        reply.raise_for_status()
        body = reply.json()
        if "error" in body:
            data = body["error"].get("data") or {}
            raise RpcError(data.get("name", ""), data.get("message") or body["error"].get("message", ""))
        return body["result"]

    def authenticate(self):
        result = self._json(
            "/web/session/authenticate", {"db": self.db, "login": self.login, "password": self.password}
        )
        self.uid = result["uid"]
        return self.uid

    def call(self, model, method, *args, context=None, **kwargs):
        if context:
            kwargs["context"] = context
        return self._json(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def page(self, path):
        reply = self.session.get(self.url + path, timeout=120)
        reply.raise_for_status()
        return reply

    def csrf(self, path):
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.page(path).text)
        if not match:
            raise RuntimeError(f"no csrf_token on {path}")
        return match[1]


# ------------------------------------------------------------------------------- the users


def salesperson(client, data, hot_partners, stop):
    """Creates orders for customers with cards, redeems points on half of them, confirms.
    Half the orders go to a few 'hot' customers, so two salespeople spend the same card."""
    products = data["product_ids"]
    while not stop.is_set():
        partner = random.choice(hot_partners if random.random() < 0.5 else data["partner_ids"])
        lines = [
            (0, 0, {"product_id": random.choice(products), "product_uom_qty": random.randint(1, 3)})
            for _ in range(random.randint(1, 3))
        ]
        order = client.timed(
            "sale.create", client.call, "sale.order", "create", {"partner_id": partner, "order_line": lines}
        )
        if not order:
            continue
        if random.random() < 0.5:
            client.timed("sale.redeem", client.call, "sale.order", "action_open_reward_wizard", [order])
        client.timed("sale.confirm", client.call, "sale.order", "action_confirm", [order])


def back_office(client, data, stop):
    """Invoices confirmed orders (two back-office users often pick the same one), posts the
    invoices, registers payments and issues credit notes for some."""
    while not stop.is_set():
        orders = client.timed(
            "bo.search",
            client.call,
            "sale.order",
            "search_read",
            [("state", "=", "sale"), ("invoice_status", "=", "to invoice")],
            fields=["id"],
            limit=3,
            order="id",
        )
        if not orders:
            stop.wait(0.5)
            continue
        order = random.choice(orders)["id"]
        ctx = {"active_model": "sale.order", "active_ids": [order], "active_id": order}
        wizard = client.timed(
            "bo.invoice",
            lambda o=order, c=ctx: client.call(
                "sale.advance.payment.inv",
                "create_invoices",
                [
                    client.call(
                        "sale.advance.payment.inv",
                        "create",
                        {"advance_payment_method": "delivered"},
                        context=c,
                    )
                ],
                context=c,
            ),
        )
        if wizard is None:
            continue
        invoices = client.timed(
            "bo.search",
            client.call,
            "account.move",
            "search_read",
            [
                ("line_ids.sale_line_ids.order_id", "=", order),
                ("state", "=", "draft"),
                ("move_type", "=", "out_invoice"),
            ],
            fields=["id", "journal_id"],
        )
        for invoice in invoices or []:
            if client.timed("bo.post", client.call, "account.move", "action_post", [invoice["id"]]) is None:
                continue
            mctx = {"active_model": "account.move", "active_ids": [invoice["id"]]}
            roll = random.random()
            if roll < 0.6:
                client.timed(
                    "bo.payment",
                    lambda c=mctx: client.call(
                        "account.payment.register",
                        "action_create_payments",
                        [client.call("account.payment.register", "create", {}, context=c)],
                        context=c,
                    ),
                )
            elif roll < 0.8:
                action = client.timed(
                    "bo.credit_note",
                    lambda c=mctx, j=invoice["journal_id"][0]: client.call(
                        "account.move.reversal",
                        "refund_moves",
                        [
                            client.call(
                                "account.move.reversal",
                                "create",
                                {"reason": "load test", "journal_id": j},
                                context=c,
                            )
                        ],
                        context=c,
                    ),
                )
                if isinstance(action, dict) and action.get("res_id"):
                    client.timed(
                        "bo.post_refund", client.call, "account.move", "action_post", [action["res_id"]]
                    )


def portal_customer(client, stop):
    """Views the loyalty page and opens tickets through the portal's form."""
    while not stop.is_set():
        if random.random() < 0.5:
            client.timed("portal.loyalty", client.page, "/my/loyalty")
            continue
        token = f"{TOKEN}{uuid.uuid4().hex}"

        def create_ticket(token=token):
            csrf = client.csrf("/my/tickets/new")
            reply = client.session.post(
                client.url + "/my/tickets/new",
                data={"name": f"Load {token}", "description": f"Please help {token}", "csrf_token": csrf},
                allow_redirects=False,
                timeout=120,
            )
            if reply.status_code != 303 or "message=created" not in reply.headers.get("Location", ""):
                raise RuntimeError(f"ticket not created: HTTP {reply.status_code}")
            with client.rec.lock:
                client.rec.tickets.append(token)

        client.timed("portal.ticket", create_ticket)


def agent(client, data, stop):
    """Reads open tickets and answers one of them in its chatter."""
    while not stop.is_set():
        tickets = client.timed(
            "agent.search",
            client.call,
            "crm.ticket",
            "search_read",
            [("is_closed", "=", False)],
            fields=["id", "name"],
            limit=20,
            order="id desc",
        )
        if not tickets:
            stop.wait(0.5)
            continue
        ticket = random.choice(tickets)["id"]
        token = f"{TOKEN}{uuid.uuid4().hex}"

        def reply(ticket=ticket, token=token):
            client.call(
                "crm.ticket",
                "message_post",
                [ticket],
                body=f"We are on it ({token})",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            with client.rec.lock:
                client.rec.replies.append(token)

        client.timed("agent.reply", reply)


def run_users(url, db, data, args, recorder):
    stop = threading.Event()
    roles = ["sales", "backoffice", "portal", "agent"]
    plan = [roles[i % 4] for i in range(args.users)]
    hot = data["partner_ids"][:3]
    taken = defaultdict(int)
    threads = []

    def user(role, login):
        client = Client(url, db, login, args.password, recorder)
        try:
            if client.timed("login", client.authenticate) is None:
                return
            if role == "sales":
                salesperson(client, data, hot, stop)
            elif role == "backoffice":
                back_office(client, data, stop)
            elif role == "portal":
                portal_customer(client, stop)
            else:
                agent(client, data, stop)
        except StopIteration:
            stop.set()  # the request budget is spent

    for role in plan:
        logins = data["users"][role]
        login = logins[taken[role] % len(logins)]
        taken[role] += 1
        threads.append(threading.Thread(target=user, args=(role, login), daemon=True))
    started = time.perf_counter()
    for thread in threads:
        # users arrive one after the other, not in one burst: a burst of connections larger
        # than the listen backlog of Odoo's prefork server (8 per worker) is reset by the kernel
        thread.start()
        time.sleep(RAMP_UP)
    stop.wait(args.duration)
    stop.set()
    for thread in threads:
        thread.join(timeout=180)
    return time.perf_counter() - started


# ------------------------------------------------------------------------------- invariants


def check_invariants(db, record, log_text):
    """[(name, passed, detail)] of the invariants on database ``db`` after a run whose
    driver recorded ``record`` (tickets and replies it created) and server log ``log_text``."""
    results = []

    def q(sql, params=None):
        return h.query(db, sql, params)

    bad = q(
        """
        SELECT c.id FROM loyalty_card c
          LEFT JOIN (SELECT card_id, SUM(COALESCE(issued, 0) - COALESCE(used, 0)) AS s
                       FROM crm_loyalty_ledger GROUP BY card_id) l ON l.card_id = c.id
         WHERE abs(c.points - COALESCE(l.s, 0)) > 0.0001
        """
    )
    cards = q("SELECT COUNT(*) FROM loyalty_card")[0][0]
    results.append(("every card's balance equals its ledger", not bad, f"{cards} cards, {len(bad)} differ"))

    negative = q("SELECT COUNT(*) FROM loyalty_card WHERE points < -0.0001")[0][0]
    overspent = q(
        "SELECT COUNT(*) FROM crm_loyalty_ledger WHERE remaining_points < -0.0001 "
        "OR remaining_points > COALESCE(issued, 0) + 0.0001"
    )[0][0]
    twice = q(
        """
        SELECT COUNT(*) FROM loyalty_history h
          LEFT JOIN (SELECT history_id, SUM(used) AS used FROM crm_loyalty_ledger
                      WHERE history_id IS NOT NULL AND entry_type = 'use' GROUP BY history_id) l
            ON l.history_id = h.id
         WHERE abs(COALESCE(h.used, 0) - COALESCE(l.used, 0)) > 0.0001
        """
    )[0][0]
    spent = q("SELECT COALESCE(SUM(used), 0) FROM crm_loyalty_ledger WHERE entry_type = 'use'")[0][0]
    results.append(
        (
            "no points spent twice",
            not (negative or overspent or twice),
            f"{spent:.0f} points spent; {negative} negative balances, {overspent} awards over- or "
            f"under-drawn, {twice} orders whose spending differs from the ledger",
        )
    )

    over = q(
        """
        SELECT sol.id FROM sale_order_line sol
          JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
          JOIN account_move_line aml ON aml.id = rel.invoice_line_id
          JOIN account_move m ON m.id = aml.move_id
         WHERE m.state != 'cancel' AND sol.display_type IS NULL AND sol.product_uom_qty > 0
         GROUP BY sol.id, sol.product_uom_qty
        HAVING SUM(CASE WHEN m.move_type = 'out_refund' THEN -aml.quantity ELSE aml.quantity END)
               > sol.product_uom_qty + 0.0001
            OR SUM(CASE WHEN m.move_type = 'out_invoice' THEN 1 ELSE -1 END) > 1
        """
    )
    invoiced = q("SELECT COUNT(*) FROM account_move WHERE move_type = 'out_invoice' AND state = 'posted'")[0][
        0
    ]
    results.append(
        (
            "no order invoiced twice",
            not over,
            f"{invoiced} posted invoices, {len(over)} order lines over-invoiced",
        )
    )

    tickets = record.get("tickets", [])
    found = dict(
        q(
            "SELECT substring(name from %s), COUNT(*) FROM crm_ticket WHERE name LIKE %s GROUP BY 1",
            [f"({TOKEN}[0-9a-f]+)", f"Load {TOKEN}%"],
        )
    )
    posted = dict(
        q(
            """
            SELECT substring(t.name from %s), COUNT(m.id) FROM crm_ticket t
              LEFT JOIN mail_message m ON m.model = 'crm.ticket' AND m.res_id = t.id
                   AND m.message_type = 'comment' AND m.body LIKE '%%Please help%%'
             WHERE t.name LIKE %s GROUP BY 1
            """,
            [f"({TOKEN}[0-9a-f]+)", f"Load {TOKEN}%"],
        )
    )
    missing = [t for t in tickets if found.get(t) != 1 or posted.get(t) != 1]
    extra = set(found) - set(tickets)
    results.append(
        (
            "every ticket and its message kept",
            not missing and not extra,
            f"{len(tickets)} created, {len(missing)} missing or doubled, {len(extra)} not reported to the user",
        )
    )

    replies = record.get("replies", [])
    kept = dict(
        q(
            "SELECT substring(body from %s), COUNT(*) FROM mail_message "
            "WHERE model = 'crm.ticket' AND body LIKE %s GROUP BY 1",
            [f"({TOKEN}[0-9a-f]+)", f"%We are on it ({TOKEN}%"],
        )
    )
    lost = [r for r in replies if kept.get(r) != 1]
    extra = set(kept) - set(replies)
    results.append(
        (
            "every agent's reply kept",
            not lost and not extra,
            f"{len(replies)} replies, {len(lost)} missing or doubled, {len(extra)} not reported to the user",
        )
    )

    retried = len(re.findall(r"tries left, try again", log_text))
    surfaced = len(re.findall(r"maximum number of tries reached", log_text))
    surfaced += sum(1 for e in record.get("errors", []) if SERIALIZATION.search(e))
    crons = sum(1 for _level, entry in log_entries(log_text) if is_cron_conflict(entry))
    results.append(
        (
            "serialization conflicts retried, none surfaced",
            surfaced == 0,
            f"{retried} requests retried by Odoo, {surfaced} surfaced to a user; "
            f"{crons} cron runs stopped by a conflict, run again at their next call",
        )
    )
    errors = log_errors(log_text)
    results.append(
        (
            "no error in the server log",
            not errors,
            f"{len(errors)} errors (conflicts retried not counted)"
            + (f": {errors[0][:300]}" if errors else ""),
        )
    )
    return results


LOG_ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) ", re.M)
CONFLICT = re.compile(r"could not serialize access|deadlock detected|could not obtain lock|lock timeout")
CRON_FAILED = re.compile(r" odoo\.addons\.base\.models\.ir_cron: Job .* failed")


def log_entries(log_text):
    """(level, entry) of each entry of an Odoo log, an entry being its line and what follows."""
    starts = [m.start() for m in LOG_ENTRY.finditer(log_text)] + [len(log_text)]
    for begin, end in zip(starts, starts[1:], strict=False):
        entry = log_text[begin:end]
        yield LOG_ENTRY.match(entry)[1], entry


def is_cron_conflict(entry):
    """A cron run that ended on a conflict with a user's transaction: nothing was written and
    the job runs again at its next call."""
    return bool(CRON_FAILED.search(entry.splitlines()[0]) and CONFLICT.search(entry))


def log_errors(log_text):
    """ERROR/CRITICAL entries of an Odoo log, leaving out conflicts that were retried: the
    failed query of a request (Odoo logs it at ERROR, then retries the request: see 'tries
    left') and a cron run stopped by a conflict (see is_cron_conflict)."""
    errors = []
    for level, entry in log_entries(log_text):
        if level not in ("ERROR", "CRITICAL"):
            continue
        if CONFLICT.search(entry) and (
            " odoo.sql_db: bad query" in entry.splitlines()[0] or is_cron_conflict(entry)
        ):
            continue
        errors.append(entry.strip().replace("\n", " | "))
    return errors


def print_invariants(results):
    for name, passed, detail in results:
        print(f"INVARIANT {'PASS' if passed else 'FAIL'} {name}: {detail}", flush=True)
    return all(passed for _name, passed, _detail in results)


# ------------------------------------------------------------------------------- database and server


def odoo_shell(db, script, env_extra, timeout):
    env = dict(os.environ, **env_extra)
    proc = subprocess.run(
        [
            h.ODOO_BIN,
            "shell",
            f"--addons-path={h.addons_path()}",
            "-d",
            db,
            "--no-http",
            "--max-cron-threads=0",
            "--log-level=warn",
        ],
        input=Path(script).read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    return proc.returncode, proc.stdout + proc.stderr


def create_database(db, args):
    say(f"creating database {db} with {', '.join(ADDONS)} (no demo data)")
    started = time.perf_counter()
    rc, log = h.install(db, ADDONS, demo=False)
    if rc != 0:
        raise SystemExit(f"load_test: installing the addons failed:\n{log[-3000:]}")
    say(f"installed in {time.perf_counter() - started:.0f} s; generating data")
    rc, out = odoo_shell(
        db,
        ROOT / "scripts" / "load_test_data.py",
        {
            "LOADTEST_CUSTOMERS": str(args.customers),
            "LOADTEST_PORTAL": str(max(2, args.users // 4)),
            "LOADTEST_STAFF": str(max(2, args.users // 4)),
            "LOADTEST_TICKETS": str(max(20, args.customers // 10)),
            "LOADTEST_PASSWORD": args.password,
        },
        timeout=3600,
    )
    match = re.search(r"^LOADTEST_DATA (.*)$", out, re.M)
    if rc != 0 or not match:
        raise SystemExit(f"load_test: generating data failed:\n{out[-3000:]}")
    data = json.loads(match[1])
    say(
        f"generated {len(data['partner_ids'])} customers with cards, {len(data['ticket_ids'])} open tickets in {data['seconds']} s"
    )
    return data


def start_server(db, workers, log_path):
    port, gevent_port = h.free_port(), h.free_port()
    cmd = [
        h.ODOO_BIN,
        f"--addons-path={h.addons_path()}",
        "-d",
        db,
        f"--db-filter=^{db}$",
        f"--http-interface={HOST}",
        f"--http-port={port}",
        f"--gevent-port={gevent_port}",
        f"--workers={workers}",
        "--max-cron-threads=1",
        "--limit-time-real=300",
        "--limit-time-cpu=240",
        f"--logfile={log_path}",
        "--log-level=info",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"load_test: Odoo exited with status {proc.returncode}; see {log_path}")
        try:
            if requests.get(url + "/web/health", timeout=5).status_code == 200:
                return proc, url
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    stop_server(proc)
    raise SystemExit("load_test: Odoo did not answer /web/health within 120 s")


def stop_server(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def say(text):
    print(f"==> {text}", flush=True)


# ------------------------------------------------------------------------------- main


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="scripts/load_test",
        description=(
            "Load test of the CRM suite with invariants. Creates a fresh database (no demo data) "
            "with crm_extended, crm_service, crm_loyalty and crm_erp_bridge, generates customers "
            "with loyalty cards, stock and open tickets, serves it with Odoo in prefork mode on "
            "127.0.0.1 (one cron worker, the crons due every minute) and runs simulated "
            "salespeople (orders earning and redeeming points), back-office users (invoices, "
            "payments, credit notes), portal customers (tickets, loyalty page) and agents "
            "(ticket replies), some of them on the same records at once. Prints throughput, "
            "p50/p95/p99 latency and the error rate per action, then checks the invariants. "
            "Exits 1 when an invariant fails or a request failed (business refusals such as "
            "'nothing to invoice' are counted apart, not as errors)."
        ),
    )
    parser.add_argument("--workers", type=int, default=2, help="Odoo HTTP workers (default 2)")
    parser.add_argument("--users", type=int, default=20, help="concurrent simulated users (default 20)")
    parser.add_argument("--duration", type=float, default=180, help="seconds of load (default 180)")
    parser.add_argument("--max-requests", type=int, default=100000, help="stop after this many requests")
    parser.add_argument(
        "--customers", type=int, default=3000, help="generated customers with cards (default 3000)"
    )
    parser.add_argument("--host", default=HOST, help="only 127.0.0.1 is accepted")
    parser.add_argument("--db", help="database name (default: a fresh unique name); must not exist")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--check-only",
        action="store_true",
        help="only check the invariants of an existing --db kept by an earlier run",
    )
    parser.add_argument(
        "--short",
        action="store_true",
        help="short run for scripts/test: 300 customers, 8 users, 45 s, 1500 requests at most",
    )
    parser.add_argument("--seed", type=int, default=None, help="random seed")
    args = parser.parse_args(argv)
    if args.host != HOST:
        parser.error(f"load_test runs against {HOST} only, not {args.host}")
    if args.short:
        args.customers, args.users, args.duration = (
            min(args.customers, 300),
            min(args.users, 8),
            min(args.duration, 45),
        )
        args.max_requests = min(args.max_requests, 1500)
    if (
        args.workers < 1
        or args.users < 4
        or args.duration <= 0
        or args.max_requests < 1
        or args.customers < 10
    ):
        parser.error("--workers >= 1, --users >= 4, --duration > 0, --max-requests >= 1, --customers >= 10")
    if args.check_only and not args.db:
        parser.error("--check-only needs --db")
    args.password = "load-" + uuid.uuid4().hex[:12]
    return args


def main(argv=None):
    args = parse_args(argv)
    random.seed(args.seed)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    if args.check_only:
        record = json.loads((LOG_DIR / f"load_test-{args.db}.json").read_text(encoding="utf-8"))
        log_text = (LOG_DIR / f"load_test-{args.db}.log").read_text(encoding="utf-8", errors="replace")
        return 0 if print_invariants(check_invariants(args.db, record, log_text)) else 1
    db = args.db or h.unique_db("crm_suite_load")
    log_path = LOG_DIR / f"load_test-{db}.log"
    log_path.unlink(missing_ok=True)
    if h.query("postgres", "SELECT COUNT(*) FROM pg_database WHERE datname = %s", [db])[0][0]:
        raise SystemExit(f"load_test: database {db} exists; give a new name")
    total_started = time.perf_counter()
    server = None
    try:
        data = create_database(db, args)
        server, url = start_server(db, args.workers, log_path)
        say(
            f"load: {args.users} users for {args.duration:.0f} s (at most {args.max_requests} requests) "
            f"on {url}, {args.workers} worker(s) and a cron worker (log: {log_path})"
        )
        recorder = Recorder(args.max_requests)
        elapsed = run_users(url, db, data, args, recorder)
        stop_server(server)
        server = None
        table, errors, total = recorder.report(elapsed)
        print(table, flush=True)
        for line in recorder.errors[:10]:
            print(f"  error: {line}", flush=True)
        for line, count in sorted(recorder.refusals.items(), key=lambda item: -item[1]):
            print(f"  refused {count}x: {line}", flush=True)
        record = {"tickets": recorder.tickets, "replies": recorder.replies, "errors": recorder.errors}
        (LOG_DIR / f"load_test-{db}.json").write_text(json.dumps(record), encoding="utf-8")
        log_text = log_path.read_text(encoding="utf-8", errors="replace")
        passed = print_invariants(check_invariants(db, record, log_text))
        passed = passed and total > 0 and errors == 0
        say(f"total {time.perf_counter() - total_started:.0f} s; {'PASSED' if passed else 'FAILED'}")
        return 0 if passed else 1
    finally:
        if server:
            stop_server(server)
        if not args.keep_db:
            h.drop_db(db)
        else:
            say(f"database kept: {db}")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except psycopg2.Error as exc:
        sys.exit(f"load_test: {exc}")
