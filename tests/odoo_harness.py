"""Drive a real, installed Odoo 18 from the outside: databases, installs, a live server.

scripts/test exports ODOO_BIN and ODOO_CORE_ADDONS; run alone, the `odoo` command is asked.
"""

import ast
import atexit
import os
import re
import socket
import subprocess
import time
import uuid
from pathlib import Path

import psycopg2
import requests

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ROOT / "addons"
ODOO_BIN = os.environ.get("ODOO_BIN", "odoo")

# Log lines that mean an addon is not installable as shipped: errors, views that do not
# validate, models without access rules, fields or records that Odoo complains about.
BAD_LINE = re.compile(
    r" (ERROR|CRITICAL) "
    r"| WARNING .*(access rule|ir\.model\.access|view|ir_ui_view|Field |field |"
    r"crm_extended|crm_service|crm_loyalty|crm_erp_bridge|unknown|deprecated|Missing|missing)"
)


def core_addons_path():
    path = os.environ.get("ODOO_CORE_ADDONS")
    if not path:
        out = subprocess.run(
            [ODOO_BIN, "shell", "--log-level=critical"],
            input='print("ODOO_CORE=" + odoo.tools.config["addons_path"])\n',
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        path = re.search(r"^ODOO_CORE=(.*)$", out, re.M).group(1)
        os.environ["ODOO_CORE_ADDONS"] = path
    return path


def addons_path():
    return f"{core_addons_path()},{ADDONS}"


def manifest(addon):
    return ast.literal_eval((ADDONS / addon / "__manifest__.py").read_text(encoding="utf-8"))


def our_addons():
    return sorted(p.parent.name for p in ADDONS.glob("*/__manifest__.py"))


def unique_db(prefix):
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def pg_connect(dbname="postgres"):
    conn = psycopg2.connect(dbname=dbname)
    conn.autocommit = True
    return conn


def create_db(name, template=None):
    conn = pg_connect()
    try:
        with conn.cursor() as cr:
            cr.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    finally:
        conn.close()


def drop_db(name):
    conn = pg_connect()
    try:
        with conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()


def query(db, sql, params=None):
    conn = pg_connect(db)
    try:
        with conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()
    finally:
        conn.close()


def run_odoo(db, *args, shell=False, stdin=None, timeout=1800, addons=None, env=None, cwd=None):
    """Run one Odoo command (or ``odoo shell`` fed ``stdin``) on ``db``; return (exit code, log).
    ``addons``: another addons path than core's and ours; ``env``, ``cwd``: the process's."""
    cmd = [ODOO_BIN, *(["shell"] if shell else [])]
    cmd += [f"--addons-path={addons or addons_path()}", "-d", db, "--max-cron-threads=0", "--no-http", *args]
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd)
    return proc.returncode, proc.stdout + proc.stderr


def install(db, addons, demo=True):
    args = ["-i", ",".join(addons), "--stop-after-init"]
    if not demo:
        args.append("--without-demo=all")
    return run_odoo(db, *args)


# Deprecation warnings that Python's warnings module reports through Odoo's `py.warnings` logger,
# with the file and line the warning points at (the caller of the deprecated API). Odoo core and
# third-party libraries raise them on their own code paths, and which ones appear depends on the
# library versions a machine has: Odoo's pinned Werkzeug 2.3.8, for example, warns about
# `werkzeug.urls.url_parse` in core's res_partner.py and inside werkzeug/urls.py itself, an older
# Werkzeug does not. They are not problems of our addons, so they are ignored; a deprecation
# warning that points into our addons/ folder is still a problem, and so is every other warning.
PY_WARNING = re.compile(r" WARNING \S+ py\.warnings: (?P<file>.+?):\d+: (?P<category>\w+): ")
IGNORED_CATEGORIES = {"DeprecationWarning", "PendingDeprecationWarning"}


def is_foreign_deprecation(line):
    """True for a deprecation warning raised outside our addons (Odoo core, a library)."""
    match = PY_WARNING.search(line)
    if not match or match["category"] not in IGNORED_CATEGORIES:
        return False
    path = Path(match["file"])
    return not (path.is_absolute() and path.resolve().is_relative_to(ADDONS.resolve()))


def bad_lines(log):
    return [line for line in log.splitlines() if BAD_LINE.search(line) and not is_foreign_deprecation(line)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OdooServer:
    """A real Odoo HTTP server on a free loopback port, for talking to it like a client."""

    def __init__(self, db):
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(
            [
                ODOO_BIN,
                f"--addons-path={addons_path()}",
                "-d",
                self.db,
                f"--db-filter=^{self.db}$",
                "--http-interface=127.0.0.1",
                f"--http-port={self.port}",
                "--max-cron-threads=0",
                "--workers=0",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Odoo exited with status {self.proc.returncode} before serving")
            try:
                if requests.get(self.url + "/web/health", timeout=5).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise RuntimeError("Odoo did not answer /web/health within 120 s")

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def jsonrpc(self, service, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"service": service, "method": method, "args": args},
        }
        reply = requests.post(self.url + "/jsonrpc", json=payload, timeout=60).json()
        if "error" in reply:
            raise RuntimeError(reply["error"]["data"]["message"])
        return reply["result"]


_template = {}


def core_template():
    """A database with the core addons crm_extended stands on, cloned for each test."""
    if "db" not in _template:
        deps = [d for d in manifest("crm_extended")["depends"] if d not in our_addons()]
        db = unique_db("crm_suite_tpl")
        rc, log = install(db, deps)
        if rc != 0:
            drop_db(db)
            raise RuntimeError(f"installing core addons {deps} failed:\n{log[-3000:]}")
        _template["db"] = db
        atexit.register(drop_template)
    return _template["db"]


def drop_template():
    if "db" in _template:
        drop_db(_template.pop("db"))
