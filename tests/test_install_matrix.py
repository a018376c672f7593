"""Each selection of addons an admin may install goes in cleanly and comes out cleanly."""

import unittest
from pathlib import Path

from tests import odoo_harness as h

# The glue addon follows by itself when both of its dependencies are there.
GLUE = "crm_loyalty_erp_bridge"
COMBINATIONS = [
    ("crm_extended",),
    ("crm_extended", "crm_loyalty"),
    ("crm_extended", "crm_erp_bridge"),
    ("crm_extended", "crm_loyalty", "crm_erp_bridge"),
]

UNINSTALL = """
import odoo
from odoo.modules.registry import Registry
# End the shell's own transaction: its locks would block the ALTER TABLEs of the uninstall.
env.cr.rollback()
for name in {names!r}:
    with Registry({db!r}).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {{}})
        env["ir.module.module"].search([("name", "=", name)]).button_immediate_uninstall()
    with Registry({db!r}).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {{}})
        state = env["ir.module.module"].search([("name", "=", name)]).state
    print("UNINSTALLED %s %s" % (name, state))
"""


class TestInstallMatrix(unittest.TestCase):
    maxDiff = None

    def check_combination(self, addons):
        template = h.core_template()
        db = h.unique_db("crm_suite_matrix")
        h.create_db(db, template=template)
        try:
            rc, log = h.install(db, addons)
            self.assertEqual(rc, 0, log[-3000:])
            self.assertEqual(h.bad_lines(log), [], f"installing {addons} logged problems")
            expected = set(addons)
            if {"crm_loyalty", "crm_erp_bridge"} <= expected:
                expected.add(GLUE)
            installed = {
                name
                for (name,) in h.query(
                    db,
                    "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)",
                    (h.our_addons(),),
                )
            }
            self.assertEqual(installed, expected)

            # Uninstall from the top of the dependency tree down to crm_extended.
            order = [a for a in (GLUE, "crm_loyalty", "crm_erp_bridge") if a in expected] + ["crm_extended"]
            rc, log = h.run_odoo(db, shell=True, stdin=UNINSTALL.format(names=order, db=db), timeout=900)
            self.assertEqual(rc, 0, log[-3000:])
            for name in order:
                self.assertIn(f"UNINSTALLED {name} uninstalled", log, log[-3000:])
            self.assertEqual(h.bad_lines(log), [], f"uninstalling {order} logged problems")
            leftovers = h.query(
                db,
                "SELECT model FROM ir_model_data WHERE module = ANY(%s) LIMIT 5",
                (list(expected),),
            )
            self.assertEqual(leftovers, [], "uninstall left records of our addons behind")
        finally:
            h.drop_db(db)

    def test_crm_extended_alone(self):
        self.check_combination(COMBINATIONS[0])

    def test_crm_extended_and_crm_loyalty(self):
        self.check_combination(COMBINATIONS[1])

    def test_crm_extended_and_crm_erp_bridge(self):
        self.check_combination(COMBINATIONS[2])

    def test_all_three_with_glue(self):
        self.check_combination(COMBINATIONS[3])


# Warnings raised through Odoo's own logging, as an install would raise them: each `warn` runs
# as if it were code of the file it names, so the log line points at that file.
WARN = """
import logging, os, warnings
import werkzeug
library = os.path.join(os.path.dirname(werkzeug.__file__), "urls.py")
def warn(path, category, text):
    exec(compile("warnings.warn(%r, %s)" % (text, category), path, "exec"), {{"warnings": warnings}})
warn({ours!r}, "DeprecationWarning", "crm-suite-probe: ours deprecated")
warn({core!r}, "DeprecationWarning", "crm-suite-probe: core deprecated")
warn(library, "DeprecationWarning", "crm-suite-probe: library deprecated")
warn({ours!r}, "UserWarning", "crm-suite-probe: ours user warning")
logging.getLogger("odoo.addons.crm_extended.models.res_partner").warning("crm-suite-probe: our logger")
print("WARNED")
"""


class TestLogCheck(unittest.TestCase):
    """What the matrix counts as a problem in a real Odoo log, and what it ignores."""

    def test_only_foreign_deprecations_are_ignored(self):
        ours = str(h.ADDONS / "crm_extended" / "models" / "res_partner.py")
        core = str(Path(h.core_addons_path().split(",")[0]) / "base" / "models" / "res_partner.py")
        rc, log = h.run_odoo(
            h.core_template(), shell=True, stdin=WARN.format(ours=ours, core=core), timeout=300
        )
        self.assertEqual(rc, 0, log[-3000:])
        self.assertIn("WARNED", log)
        probes = [line for line in log.splitlines() if "crm-suite-probe" in line and " WARNING " in line]
        self.assertEqual(len(probes), 5, "\n".join(probes))
        flagged = {line.split("crm-suite-probe: ")[1].strip() for line in h.bad_lines("\n".join(probes))}
        # any warning raised from our own files and anything our loggers say still fail the
        # matrix; deprecations raised in core's or a library's files do not
        self.assertEqual(flagged, {"ours deprecated", "ours user warning", "our logger"})


if __name__ == "__main__":
    unittest.main()
