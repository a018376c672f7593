"""scripts/load_test: its short mode runs with the invariants asserted, and the checker fails
when an invariant is broken (tampered ledger, lost reply, order invoiced twice)."""

import contextlib
import io
import re
import subprocess
import sys
import time
import unittest

from tests import odoo_harness as h

sys.path.insert(0, str(h.ROOT / "scripts"))
import load_test as lt  # noqa: E402

SCRIPT = h.ROOT / "scripts" / "load_test"
INVARIANTS = (
    "every card's balance equals its ledger",
    "no points spent twice",
    "no order invoiced twice",
    "every ticket and its message kept",
    "every agent's reply kept",
    "serialization conflicts retried, none surfaced",
    "no error in the server log",
)


class TestHelpers(unittest.TestCase):
    def test_percentile(self):
        values = list(range(1, 101))
        self.assertEqual(lt.percentile(values, 50), 50)
        self.assertEqual(lt.percentile(values, 95), 95)
        self.assertEqual(lt.percentile(values, 99), 99)
        self.assertEqual(lt.percentile([7], 99), 7)
        self.assertEqual(lt.percentile([], 50), 0.0)

    def test_business_refusal_is_not_an_error(self):
        self.assertEqual(
            lt.classify(lt.RpcError("odoo.exceptions.UserError", "No items to invoice.")), "refused"
        )
        self.assertEqual(lt.classify(lt.RpcError("odoo.exceptions.AccessError", "Not allowed")), "error")
        self.assertEqual(lt.classify(RuntimeError("HTTP 500")), "error")
        # a conflict or a database constraint that reaches the user is a failure, whatever its class
        serial = lt.RpcError(
            "odoo.exceptions.UserError", "could not serialize access due to concurrent update"
        )
        self.assertEqual(lt.classify(serial), "error")
        null = lt.RpcError("odoo.exceptions.ValidationError", "The operation cannot be completed: ...")
        self.assertEqual(lt.classify(null), "error")

    def test_log_errors_leave_out_retried_conflicts_only(self):
        log = (
            "2026-01-01 10:00:00,001 11 ERROR db odoo.sql_db: bad query: UPDATE res_partner\n"
            "ERROR: could not serialize access due to concurrent update\n"
            "2026-01-01 10:00:00,002 11 INFO db odoo.service.model: SERIALIZATION_FAILURE, 4 tries left\n"
            "2026-01-01 10:00:01,000 12 ERROR db odoo.sql_db: bad query: INSERT INTO x\n"
            'ERROR: null value in column "journal_id" violates not-null constraint\n'
            "2026-01-01 10:00:02,000 12 ERROR db odoo.addons.base.models.ir_cron: Job 'RFM' (27) server action #5 failed\n"
            "Traceback (most recent call last):\n"
            "psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update\n"
            "2026-01-01 10:00:03,000 12 ERROR db odoo.addons.base.models.ir_cron: Job 'SLA' (28) server action #6 failed\n"
            "Traceback (most recent call last):\n"
            "KeyError: 'x'\n"
        )
        errors = lt.log_errors(log)
        self.assertEqual(len(errors), 2, errors)
        self.assertIn("journal_id", errors[0])
        self.assertIn("'SLA'", errors[1])
        self.assertTrue(lt.is_cron_conflict(log.split("\n2026")[3]))

    def test_only_loopback(self):
        with self.assertRaises(SystemExit), contextlib.redirect_stderr(io.StringIO()) as err:
            lt.parse_args(["--host", "10.0.0.1"])
        self.assertIn("127.0.0.1 only", err.getvalue())
        args = lt.parse_args(["--short", "--users", "50", "--duration", "600"])
        self.assertEqual((args.users, args.duration, args.customers), (8, 45, 300))
        self.assertLessEqual(args.max_requests, 1500)


class TestLoadTestShort(unittest.TestCase):
    """The short run of scripts/test: fresh database, data, 45 s of load, invariants."""

    @classmethod
    def setUpClass(cls):
        cls.db = h.unique_db("crm_suite_load_test")
        started = time.monotonic()
        cls.proc = subprocess.run(
            [str(SCRIPT), "--short", "--workers", "2", "--db", cls.db, "--keep-db", "--seed", "15"],
            capture_output=True,
            text=True,
            timeout=900,
        )
        cls.seconds = time.monotonic() - started

    @classmethod
    def tearDownClass(cls):
        h.drop_db(cls.db)

    def check_only(self):
        return subprocess.run(
            [str(SCRIPT), "--check-only", "--db", self.db], capture_output=True, text=True, timeout=300
        )

    def test_1_short_run_passes_its_invariants(self):
        out = self.proc.stdout + self.proc.stderr
        self.assertEqual(self.proc.returncode, 0, out[-5000:])
        for name in INVARIANTS:
            self.assertRegex(out, rf"INVARIANT PASS {re.escape(name)}:")
        self.assertNotIn("INVARIANT FAIL", out)
        load = re.search(r"^requests: (\d+) in (\d+) s, error rate 0\.00 %", out, re.M)
        self.assertTrue(load, out[-3000:])
        self.assertGreater(int(load[1]), 50)
        self.assertLess(int(load[2]), 120)
        for action in (
            "sale.confirm",
            "sale.redeem",
            "bo.invoice",
            "bo.post",
            "portal.ticket",
            "agent.reply",
        ):
            self.assertRegex(out, rf"(?m)^{re.escape(action)} +\d+ +[1-9]\d*", f"no successful {action}")

    def test_2_checker_fails_on_a_broken_invariant(self):
        self.assertEqual(self.proc.returncode, 0, "the short run failed: nothing to tamper with")
        proc = self.check_only()
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        # a balance that moved without its ledger entry
        h.query(
            self.db,
            "UPDATE loyalty_card SET points = points + 5 WHERE id = (SELECT MIN(id) FROM loyalty_card) RETURNING id",
        )
        # an agent's reply lost
        h.query(
            self.db,
            "DELETE FROM mail_message WHERE id = (SELECT MIN(id) FROM mail_message WHERE body LIKE %s) RETURNING id",
            [f"%We are on it ({lt.TOKEN}%"],
        )
        # an order line invoiced once more
        h.query(
            self.db,
            """UPDATE account_move_line SET quantity = quantity + 10
                WHERE id = (SELECT MIN(invoice_line_id) FROM sale_order_line_invoice_rel) RETURNING id""",
        )
        proc = self.check_only()
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("INVARIANT FAIL every card's balance equals its ledger: ", proc.stdout)
        self.assertIn("INVARIANT FAIL every agent's reply kept: ", proc.stdout)
        self.assertIn("INVARIANT FAIL no order invoiced twice: ", proc.stdout)
        self.assertIn("INVARIANT PASS every ticket and its message kept: ", proc.stdout)


if __name__ == "__main__":
    unittest.main()
