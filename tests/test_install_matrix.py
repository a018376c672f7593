"""Each selection of addons an admin may install goes in cleanly and comes out cleanly."""

import unittest
from pathlib import Path

from tests import odoo_harness as h

# Each glue addon follows by itself when all of its dependencies are there. A glue on another
# glue comes after it (expected_addons walks this dict once, in order).
GLUES = {
    "crm_extended_mass_mailing": {"crm_extended", "mass_mailing"},
    "crm_extended_mass_mailing_sms": {"crm_extended_mass_mailing", "mass_mailing_sms"},
    "crm_extended_privacy_lookup": {"crm_extended", "privacy_lookup"},
    "crm_loyalty_erp_bridge": {"crm_loyalty", "crm_erp_bridge"},
    "crm_loyalty_sms": {"crm_loyalty", "sms"},
    "crm_service_erp_bridge": {"crm_service", "crm_erp_bridge"},
    "crm_service_survey": {"crm_service", "survey"},
    "crm_service_livechat": {"crm_service", "im_livechat"},
    # The dashboards need core's Dashboards app (spreadsheet_dashboard), which core's
    # spreadsheet_dashboard_sale brings in with sale: it is there wherever crm_extended is, so
    # these follow their addon in every row. The Customers one first: the others depend on it.
    "crm_extended_spreadsheet_dashboard": {"crm_extended", "spreadsheet_dashboard"},
    "crm_service_spreadsheet_dashboard": {"crm_extended_spreadsheet_dashboard", "crm_service"},
    "crm_loyalty_spreadsheet_dashboard": {"crm_extended_spreadsheet_dashboard", "crm_loyalty"},
    "crm_erp_bridge_spreadsheet_dashboard": {"crm_extended_spreadsheet_dashboard", "crm_erp_bridge"},
    # OCA's queue_job (pip install odoo-addon-queue-job): the heavy crons become jobs
    "crm_extended_queue_job": {"crm_extended", "queue_job"},
    # a glue on glue: listed with the addons it ends up needing, after the glue it depends on
    "crm_service_survey_loyalty": {"crm_service", "crm_loyalty", "survey"},
}
# Core apps a glue addon connects the suite to: installed in their own rows of the matrix.
CORE_APPS = (
    "mass_mailing",
    "mass_mailing_sms",
    "sms",
    "survey",
    "im_livechat",
    "spreadsheet_dashboard",
    "privacy_lookup",
    "queue_job",
)
# Core apps Odoo installs by itself with crm_extended's dependencies (sms follows mail, iap and
# phone_validation, all auto-installed; spreadsheet_dashboard follows sale through
# spreadsheet_dashboard_sale; privacy_lookup follows Discuss): in every row, so their glues
# follow in every row too.
AUTO_CORE_APPS = ("sms", "spreadsheet_dashboard", "privacy_lookup")
# crm_extended is the base; any subset of the addons built on it may be installed.
OPTIONAL = ("crm_service", "crm_loyalty", "crm_erp_bridge")
# uninstalled from the top of the dependency tree down to crm_extended (a glue on a glue, listed
# after the one it depends on, leaves first)
UNINSTALL_ORDER = (*reversed(GLUES), "crm_loyalty", "crm_erp_bridge", "crm_service", "crm_extended")

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
        cr.execute("SELECT to_regclass('crm_partner_timeline') IS NOT NULL")
        timeline = cr.fetchone()[0]
        if timeline:
            # the customer timeline still reads (its view lost the sources that left)
            env["crm.partner.timeline"].search_count([])
    print("UNINSTALLED %s %s" % (name, state))
    print("TIMELINE %s %s" % (name, timeline))
"""


def expected_addons(addons):
    """Our addons installed for this selection (core apps in it pull in their glue)."""
    expected = set(addons) | set(AUTO_CORE_APPS)
    for glue, deps in GLUES.items():  # in order: a glue on another glue sees it added
        if deps <= expected:
            expected.add(glue)
    return expected - set(CORE_APPS)


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
            expected = expected_addons(addons)
            installed = {
                name
                for (name,) in h.query(
                    db,
                    "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)",
                    (h.our_addons(),),
                )
            }
            self.assertEqual(installed, expected)
            # the service desk's tables exist only with crm_service
            [(has_tickets,)] = h.query(db, "SELECT to_regclass('crm_ticket') IS NOT NULL")
            self.assertEqual(has_tickets, "crm_service" in expected, f"crm_ticket table with {addons}")
            if "crm_service" not in expected:
                [(ticket_models,)] = h.query(
                    db, "SELECT count(*) FROM ir_model WHERE model LIKE 'crm.ticket%%'"
                )
                self.assertEqual(ticket_models, 0)

            order = [a for a in UNINSTALL_ORDER if a in expected]
            rc, log = h.run_odoo(db, shell=True, stdin=UNINSTALL.format(names=order, db=db), timeout=900)
            self.assertEqual(rc, 0, log[-3000:])
            for name in order:
                self.assertIn(f"UNINSTALLED {name} uninstalled", log, log[-3000:])
                # the timeline view lives as long as crm_extended does
                self.assertIn(f"TIMELINE {name} {name != 'crm_extended'}", log, log[-3000:])
            self.assertEqual(h.bad_lines(log), [], f"uninstalling {order} logged problems")
            leftovers = h.query(
                db,
                "SELECT model FROM ir_model_data WHERE module = ANY(%s) LIMIT 5",
                (list(expected),),
            )
            self.assertEqual(leftovers, [], "uninstall left records of our addons behind")
            [(has_tickets,)] = h.query(db, "SELECT to_regclass('crm_ticket') IS NOT NULL")
            self.assertFalse(has_tickets, "uninstall left the crm_ticket table behind")
        finally:
            h.drop_db(db)

    def test_crm_extended_alone(self):
        self.check_combination(("crm_extended",))

    def test_crm_extended_and_crm_service(self):
        self.check_combination(("crm_extended", "crm_service"))

    def test_crm_extended_and_crm_loyalty(self):
        """crm_loyalty needs no service desk: no crm_ticket table, in or out."""
        self.check_combination(("crm_extended", "crm_loyalty"))

    def test_crm_extended_and_crm_erp_bridge(self):
        self.check_combination(("crm_extended", "crm_erp_bridge"))

    def test_service_and_loyalty(self):
        self.check_combination(("crm_extended", "crm_service", "crm_loyalty"))

    def test_service_and_erp_bridge_with_glue(self):
        self.check_combination(("crm_extended", "crm_service", "crm_erp_bridge"))

    def test_loyalty_and_erp_bridge_with_glue(self):
        self.check_combination(("crm_extended", "crm_loyalty", "crm_erp_bridge"))

    def test_all_with_glues(self):
        self.check_combination(("crm_extended", "crm_service", "crm_loyalty", "crm_erp_bridge"))

    def test_with_core_app_mass_mailing(self):
        """Email Marketing next to crm_extended brings the campaign glue; it leaves cleanly."""
        self.check_combination(("crm_extended", "mass_mailing"))

    def test_with_core_app_mass_mailing_sms(self):
        """SMS Marketing next to Email Marketing brings the SMS campaign glue on top of the email
        one; both leave cleanly."""
        self.check_combination(("crm_extended", "mass_mailing", "mass_mailing_sms"))

    def test_with_core_app_sms(self):
        """SMS (which Odoo installs with its mail apps) next to crm_loyalty brings the reward SMS
        glue; it leaves cleanly and crm_loyalty needs nothing of it."""
        self.check_combination(("crm_extended", "crm_loyalty", "sms"))

    def test_with_core_app_privacy_lookup(self):
        """Odoo's privacy lookup (installed with Discuss) brings its glue; it leaves cleanly."""
        self.check_combination(("crm_extended", "privacy_lookup"))

    def test_with_core_app_survey(self):
        """Surveys next to crm_service bring the ticket survey glue; it leaves cleanly."""
        self.check_combination(("crm_extended", "crm_service", "survey"))

    def test_with_core_app_im_livechat(self):
        """Live Chat next to crm_service brings the chat-to-ticket glue; it leaves cleanly."""
        self.check_combination(("crm_extended", "crm_service", "im_livechat"))

    def test_with_core_app_spreadsheet_dashboard(self):
        """Dashboards installed on purpose next to every addon: the four dashboards, out cleanly."""
        self.check_combination(
            ("crm_extended", "crm_service", "crm_loyalty", "crm_erp_bridge", "spreadsheet_dashboard")
        )

    def test_with_core_app_queue_job(self):
        """OCA's Job Queue (a pip package, not core's) next to every addon brings the jobs glue;
        it leaves cleanly and the crons run at once again."""
        self.check_combination(("crm_extended", "crm_service", "crm_loyalty", "crm_erp_bridge", "queue_job"))

    def test_with_core_app_survey_and_loyalty(self):
        """Surveys next to crm_service and crm_loyalty bring both survey glues (the reward of
        an answered survey); they leave cleanly, the ledger's survey key with them."""
        self.check_combination(("crm_extended", "crm_service", "crm_loyalty", "survey"))

    def test_every_combination_is_covered(self):
        """A new optional addon or glue must get its row in the matrix."""
        self.assertEqual(set(h.our_addons()), {"crm_extended", *OPTIONAL, *GLUES})
        combos = {
            frozenset(name.removeprefix("test_").split("_and_"))
            for name in dir(self)
            if name.startswith("test_")
            and name != "test_every_combination_is_covered"
            and not name.startswith("test_with_core_app_")
        }
        self.assertEqual(len(combos), 2 ** len(OPTIONAL))
        for glue, deps in GLUES.items():
            for app in deps & set(CORE_APPS):
                self.assertTrue(hasattr(self, f"test_with_core_app_{app}"), f"no matrix row for {glue}")


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
