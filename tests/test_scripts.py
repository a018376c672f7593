"""The two commands of the README, as a new user meets them."""

import os
import shutil
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

import requests

from tests import odoo_harness as h
from tests.test_install_matrix import AUTO_CORE_APPS, CORE_APPS, GLUES

SCRIPTS = h.ROOT / "scripts"


def run(script, *args, env=None, timeout=60):
    return subprocess.run(
        [str(SCRIPTS / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


class TestMissingPrerequisites(unittest.TestCase):
    def test_without_odoo_both_scripts_stop_at_once(self):
        for script in ("serve", "test"):
            with self.subTest(script=script):
                started = time.monotonic()
                proc = run(script, env={"ODOO_BIN": "/nonexistent/odoo-bin"})
                self.assertLess(time.monotonic() - started, 10)
                self.assertEqual(proc.returncode, 2)
                self.assertEqual(proc.stdout, "")
                lines = proc.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, proc.stderr)
                self.assertIn("Odoo 18.0 is missing", lines[0])

    def test_without_postgresql_both_scripts_say_what_to_install(self):
        # A PATH holding every command of this machine except PostgreSQL's client tools.
        with tempfile.TemporaryDirectory() as bindir:
            for folder in os.environ["PATH"].split(os.pathsep):
                if not os.path.isdir(folder):
                    continue
                for name in os.listdir(folder):
                    target = Path(bindir, name)
                    if name in ("psql", "pg_isready") or target.exists():
                        continue
                    source = Path(folder, name)
                    if source.is_file() and os.access(source, os.X_OK):
                        target.symlink_to(source)
            odoo = shutil.which(h.ODOO_BIN)
            for script in ("serve", "test"):
                with self.subTest(script=script):
                    proc = run(script, env={"PATH": bindir, "ODOO_BIN": odoo}, timeout=120)
                    self.assertEqual(proc.returncode, 2, proc.stderr)
                    self.assertIn("PostgreSQL is missing", proc.stderr)
                    self.assertIn("apt-get install postgresql", proc.stderr)

    def test_help(self):
        for script in ("serve", "test"):
            proc = run(script, "--help")
            self.assertEqual(proc.returncode, 0)
            self.assertIn(f"Usage: scripts/{script}", proc.stdout)


class TestServe(unittest.TestCase):
    def test_serve_creates_demo_database_and_serves_it(self):
        db = h.unique_db("crm_suite_serve")
        port = h.free_port()
        proc = subprocess.Popen(
            [str(SCRIPTS / "serve"), "--db", db, "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 900
            while time.monotonic() < deadline:
                self.assertIsNone(proc.poll(), "scripts/serve exited early")
                try:
                    if requests.get(url + "/web/health", timeout=5).status_code == 200:
                        break
                except requests.ConnectionError:
                    time.sleep(1)
            else:
                self.fail("scripts/serve did not serve within 15 minutes")
            session = requests.Session()
            reply = session.post(
                url + "/web/session/authenticate",
                json={"jsonrpc": "2.0", "params": {"db": db, "login": "admin", "password": "admin"}},
                timeout=60,
            ).json()
            self.assertIn("result", reply, reply)
            installed = h.query(
                db,
                "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s) ORDER BY name",
                (h.our_addons(),),
            )
            # every addon of ours but the glue of a core app serve does not install (Email
            # Marketing, ...): that glue follows only when its app is installed (sms comes with
            # Odoo's mail apps, the privacy lookup with Discuss: their glues are always there)
            missing_apps = set(CORE_APPS) - set(AUTO_CORE_APPS)
            expected = [a for a in h.our_addons() if not GLUES.get(a, set()) & missing_apps]
            self.assertEqual([n for (n,) in installed], expected)
            demo = h.query(
                db,
                "SELECT count(*) FROM ir_model_data WHERE module = 'crm_extended' AND name LIKE '%%demo%%'",
            )
            self.assertGreater(demo[0][0], 0, "no demo data")
            proc.terminate()
            proc.wait(timeout=60)
            self.check_prefork(db)
        finally:
            proc.terminate()
            try:
                out, _ = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, _ = proc.communicate()
            h.drop_db(db)
        self.assertIn(f"http://127.0.0.1:{port}/odoo", out)
        self.assertIn("admin / admin", out)

    def check_prefork(self, db):
        """--workers N: the same database served by N HTTP workers, a cron worker and the
        gevent process (children of Odoo's main process)."""
        port, gevent_port = h.free_port(), h.free_port()
        proc = subprocess.Popen(
            [str(SCRIPTS / "serve"), "--db", db, "--port", str(port), "--workers", "2"]
            + ["--gevent-port", str(gevent_port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 120
            children = []
            while time.monotonic() < deadline:
                self.assertIsNone(proc.poll(), "scripts/serve --workers 2 exited early")
                try:
                    healthy = (
                        requests.get(f"http://127.0.0.1:{port}/web/health", timeout=5).status_code == 200
                    )
                except requests.ConnectionError:
                    healthy = False
                children = subprocess.run(
                    ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True
                ).stdout.split()
                if healthy and len(children) >= 4:
                    break
                time.sleep(1)
            # 2 HTTP workers, 1 cron worker, the gevent process
            self.assertGreaterEqual(len(children), 4, "prefork workers not started")
        finally:
            proc.terminate()
            try:
                out, _ = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, _ = proc.communicate()
        self.assertIn("prefork: 2 HTTP workers, 1 cron worker(s)", out)


if __name__ == "__main__":
    unittest.main()


POT = """msgid ""
msgstr ""

#. module: demo
#: code:addons/demo/models/x.py:0
msgid "Ticket %(number)s is closed"
msgstr ""

#. module: demo
#: model_terms:mail.template,body_html:demo.mail
msgid "Dear <t t-out=\\"object.partner_id.name\\"/>, thank you"
msgstr ""

#. module: demo
#: model:ir.model.fields,field_description:demo.field_x
msgid "Customer"
msgstr ""
"""

PO_OK = """msgid ""
msgstr ""
"Language: ar\\n"

#. module: demo
#: code:addons/demo/models/x.py:0
msgid "Ticket %(number)s is closed"
msgstr "التذكرة %(number)s مغلقة"

#. module: demo
#: model_terms:mail.template,body_html:demo.mail
msgid "Dear <t t-out=\\"object.partner_id.name\\"/>, thank you"
msgstr "عزيزي <t t-out=\\"object.partner_id.name\\"/>، شكراً"

#. module: demo
#: model:ir.model.fields,field_description:demo.field_x
msgid "Customer"
msgstr "العميل"
"""


class TestTranslationCheck(unittest.TestCase):
    """scripts/check_i18n.py, run by scripts/test: complete and placeholder-safe translations."""

    def check(self, po_text):
        with tempfile.TemporaryDirectory() as root:
            i18n = Path(root, "demo", "i18n")
            i18n.mkdir(parents=True)
            Path(root, "demo", "__manifest__.py").write_text("{}")
            (i18n / "demo.pot").write_text(POT, encoding="utf-8")
            (i18n / "ar.po").write_text(po_text, encoding="utf-8")
            proc = subprocess.run(
                ["python3", str(SCRIPTS / "check_i18n.py"), "--langs", "ar", root],
                capture_output=True,
                text=True,
                timeout=60,
            )
        return proc.returncode, proc.stdout

    def test_complete_translation_passes(self):
        rc, out = self.check(PO_OK)
        self.assertEqual(rc, 0, out)
        self.assertIn("1 files checked, 0 problem(s)", out)

    def test_each_defect_is_reported(self):
        cases = {
            "missing": PO_OK.replace('msgid "Customer"\nmsgstr "العميل"\n', ""),
            "untranslated": PO_OK.replace('msgstr "العميل"', 'msgstr ""'),
            "fuzzy": PO_OK.replace("#: model:ir.model.fields", "#, fuzzy\n#: model:ir.model.fields"),
            "placeholders differ ['%(number)s', '+%(numero)s']": PO_OK.replace(
                "%(number)s مغلقة", "%(numero)s مغلقة"
            ),
            "placeholders differ ['<t', 't-out=\"object.partner_id.name\"']": PO_OK.replace(
                '<t t-out=\\"object.partner_id.name\\"/>، شكراً', "، شكراً"
            ),
        }
        for problem, po_text in cases.items():
            with self.subTest(problem=problem):
                self.assertNotEqual(po_text, PO_OK)
                rc, out = self.check(po_text)
                self.assertEqual(rc, 1, out)
                self.assertIn(f"demo/ar.po: {problem}", out)
                self.assertIn("1 problem(s)", out)
