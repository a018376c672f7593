"""Core's own tests with and without the CRM suite: a test that fails only with the suite is ours.

Run by ``scripts/test --core`` (which sets ODOO_BIN's Python, the config and the addons path).
Two fresh databases are made: one with the core modules the suite extends, one with the same
modules and the suite. On each, core's tests of those modules run with Odoo's at_install tests
deferred until the whole registry is loaded (``odoo_core_tests.py``), as code runs on a server.
Both runs go in parallel. Prints per-database counts and every test that fails only with the suite,
then ``N passed, N failed`` for scripts/test to add up; exits 1 when a test fails only with the suite.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# core modules the suite extends (their tests are run), and the suite's addons (the glue follows)
CORE_MODULES = ["crm", "loyalty", "privacy_lookup", "sale", "sale_crm", "sale_loyalty", "sale_stock"]
SUITE = ["crm_extended", "crm_loyalty", "crm_erp_bridge"]

FAILURE = re.compile(r" (?:ERROR|CRITICAL) \S+ odoo\.addons\.(\w+)\.tests[\w.]*: (?:FAIL|ERROR): (.+?)\s*$")
SUMMARY = re.compile(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(db, modules, conf, tags, log_path):
    cmd = [
        sys.executable,
        str(HERE / "odoo_core_tests.py"),
        "-c",
        conf,
        "-d",
        db,
        "-i",
        ",".join(modules),
        "--test-enable",
        "--test-tags",
        tags,
        "--stop-after-init",
        "--log-level=test",
        "--max-cron-threads=0",
        f"--http-port={free_port()}",
    ]
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 (closed by the caller)
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT), log


def parse(log_path):
    text = Path(log_path).read_text(encoding="utf-8", errors="replace")
    failures = set()
    for line in text.splitlines():
        match = FAILURE.search(line)
        if match:
            failures.add(f"{match[1]}: {match[2]}")
    totals = SUMMARY.findall(text)
    ran = int(totals[-1][2]) if totals else None
    return ran, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conf", required=True, help="Odoo configuration file")
    parser.add_argument("--prefix", required=True, help="database name prefix")
    parser.add_argument("--logdir", required=True)
    parser.add_argument("--modules", default=",".join(CORE_MODULES), help="core modules whose tests run")
    parser.add_argument(
        "--suite",
        default=",".join(SUITE),
        help="our addons installed on the second database (their glues follow), e.g. "
        "crm_extended,crm_service to run survey's tests next to crm_service_survey",
    )
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    modules = args.modules.split(",")
    tags = ",".join(f"/{m}" for m in modules)
    runs = {
        "without the suite": (f"{args.prefix}_core", modules),
        "with the suite": (f"{args.prefix}_suite", modules + args.suite.split(",")),
    }
    started = time.monotonic()
    procs = {}
    for label, (db, mods) in runs.items():
        log_path = os.path.join(args.logdir, f"core-{db}.log")
        print(f"==> core tests {label}: database {db}, log {log_path}", flush=True)
        procs[label] = (*run(db, mods, args.conf, tags, log_path), log_path, db)
    results = {}
    for label, (proc, log, log_path, db) in procs.items():
        rc = proc.wait()
        log.close()
        ran, failures = parse(log_path)
        results[label] = (rc, ran, failures)
        if not args.keep_db:
            subprocess.run(["dropdb", "--if-exists", db], check=False)
    minutes = (time.monotonic() - started) / 60

    base_rc, base_ran, base_failures = results["without the suite"]
    rc, ran, failures = results["with the suite"]
    for label, (_rc, n, fails) in results.items():
        print(f"core tests {label}: {n if n is not None else 'no'} tests ran, {len(fails)} failed")
    print(f"core tests took {minutes:.1f} min (both databases in parallel)")
    if base_ran is None or ran is None:
        print("core tests did not run on both databases; see the logs above")
        print("0 passed, 1 failed")
        return 1
    ours = sorted(failures - base_failures)
    also_without = sorted(failures & base_failures)
    for name in also_without:
        print(f"fails without the suite too (not ours): {name}")
    for name in ours:
        print(f"FAILS ONLY WITH THE SUITE: {name}")
    # read by scripts/test, which adds them to its own count
    print(f"CORE_COUNTS {ran - len(failures)} {len(ours)}")
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main())
