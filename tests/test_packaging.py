"""Every addon is a pip-installable wheel the OCA way, and Odoo installs the addons from the wheels.

The wheels are built from a clean clone of the committed HEAD (never from the working tree), the
way CI and a packager meet the repository.
"""

import ast
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import zipfile
from email.parser import HeaderParser
from pathlib import Path

from tests import odoo_harness as h
from tests.test_install_matrix import expected_addons

# Each addon's pyproject.toml, byte for byte: OCA's whool build backend, and the manifest's
# version as the wheel's version whatever the git history (whool's default for 18.0 would append
# the number of commits since the last version change, which differs between a full and a
# shallow clone).
PYPROJECT = """\
[build-system]
requires = ["whool"]
build-backend = "whool.buildapi"

[tool.whool]
# the wheel's version is the manifest's, whatever the git history (see README, Install with pip)
post_version_strategy_override = "none"
"""

# installed from the wheels on a database holding only core addons; the glue addons follow
INSTALL = ("crm_extended", "crm_service", "crm_loyalty", "crm_erp_bridge")

WHERE = """
from odoo.modules.module import get_module_path
for name in {names!r}:
    print("MODULE_PATH %s %s" % (name, get_module_path(name, display_warning=False)))
"""


def addon_dirs(root):
    return sorted(p.parent for p in (root / "addons").glob("*/__manifest__.py"))


def run(cmd, **kwargs):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode:
        raise AssertionError(
            f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}"
        )
    return proc


class TestPackaging(unittest.TestCase):
    maxDiff = None

    def test_every_addon_has_its_pyproject(self):
        """A new addon without its pyproject.toml (or with another one) fails here."""
        dirs = addon_dirs(h.ROOT)
        self.assertTrue(dirs)
        for addon in dirs:
            with self.subTest(addon=addon.name):
                pyproject = addon / "pyproject.toml"
                self.assertTrue(pyproject.is_file(), f"{addon.name} has no pyproject.toml")
                self.assertEqual(pyproject.read_text(encoding="utf-8"), PYPROJECT)

    def test_wheels_build_install_and_odoo_installs_from_them(self):
        tmp = Path(tempfile.mkdtemp(prefix="crm_suite_wheels_"))
        self.addCleanup(run, ["rm", "-rf", str(tmp)])
        src, wheels, site = tmp / "src", tmp / "wheels", tmp / "site"

        # a clean checkout: the committed HEAD, with its git history (whool reads it)
        run(["git", "clone", "--quiet", "--no-hardlinks", str(h.ROOT), str(src)])
        dirs = addon_dirs(src)
        names = [d.name for d in dirs]
        self.assertTrue(names)

        started = time.monotonic()
        env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        # no WHOOL_POST_VERSION_STRATEGY_OVERRIDE from the caller: the files alone decide
        env.pop("WHOOL_POST_VERSION_STRATEGY_OVERRIDE", None)
        pip = [sys.executable, "-m", "pip"]
        run(
            [
                *pip,
                "wheel",
                "--quiet",
                "--no-deps",
                "--no-build-isolation",
                "-w",
                str(wheels),
                *map(str, dirs),
            ],
            cwd=tmp,
            env=env,
        )
        built = time.monotonic()

        files = sorted(p.name for p in wheels.glob("*.whl"))
        manifests = {
            d.name: ast.literal_eval((d / "__manifest__.py").read_text(encoding="utf-8")) for d in dirs
        }
        self.assertEqual(
            files,
            sorted(f"odoo_addon_{n}-{manifests[n]['version']}-py3-none-any.whl" for n in names),
        )
        # every dependency outside Odoo's core addons (ours, or another project's such as OCA's)
        # must be a requirement of the wheel
        core = {
            m.parent.name
            for path in h.core_addons_path().split(",")
            for m in Path(path).glob("*/__manifest__.py")
        }
        self.assertIn("sale", core)
        for name in names:
            with self.subTest(addon=name):
                wheel = wheels / f"odoo_addon_{name}-{manifests[name]['version']}-py3-none-any.whl"
                with zipfile.ZipFile(wheel) as zf:
                    members = zf.namelist()
                    dist_info = f"odoo_addon_{name}-{manifests[name]['version']}.dist-info"
                    meta = HeaderParser().parsestr(zf.read(f"{dist_info}/METADATA").decode())
                self.assertIn(f"odoo/addons/{name}/__manifest__.py", members)
                self.assertNotIn(f"odoo/addons/{name}/pyproject.toml", members)
                self.assertEqual(meta["Version"], manifests[name]["version"])
                requires = meta.get_all("Requires-Dist") or []
                self.assertIn("odoo==18.0.*", requires)
                siblings = {
                    m.group(1).replace("-", "_")
                    for r in requires
                    if (m := re.match(r"odoo-addon-([\w-]+)==18\.0\.\*$", r))
                }
                self.assertEqual(siblings, set(manifests[name]["depends"]) - core)

        # the odoo==18.0.* requirement cannot be met by an Odoo installed from source: --no-deps
        run(
            [*pip, "install", "--quiet", "--no-deps", "--target", str(site), *sorted(wheels.glob("*.whl"))],
            env=env,
        )
        installed = time.monotonic()
        print(
            f"\n{len(files)} wheels built in {built - started:.1f} s, installed in {installed - built:.1f} s",
            file=sys.stderr,
        )
        for name in names:
            self.assertTrue((site / "odoo" / "addons" / name / "__manifest__.py").is_file(), name)
        # the clone is gone before Odoo runs: nothing can come from it
        run(["rm", "-rf", str(src)])

        db = h.unique_db("crm_suite_wheels")
        h.create_db(db, template=h.core_template())
        self.addCleanup(h.drop_db, db)
        odoo_env = {**os.environ, "PYTHONPATH": str(site)}
        where = {"addons": h.core_addons_path(), "env": odoo_env, "cwd": tmp}
        rc, log = h.run_odoo(db, "-i", ",".join(INSTALL), "--stop-after-init", timeout=1200, **where)
        self.assertEqual(rc, 0, log[-3000:])
        self.assertEqual(h.bad_lines(log), [], "installing from the wheels logged problems")
        expected = expected_addons(INSTALL)
        self.assertIn("crm_loyalty_erp_bridge", expected)
        rows = h.query(
            db,
            "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)",
            (names,),
        )
        self.assertEqual({name for (name,) in rows}, expected)

        # Odoo found them in the pip target, the only place they are
        rc, log = h.run_odoo(
            db,
            "--log-level=warn",
            shell=True,
            stdin=WHERE.format(names=sorted(expected)),
            timeout=300,
            **where,
        )
        self.assertEqual(rc, 0, log[-3000:])
        paths = dict(re.findall(r"^MODULE_PATH (\w+) (.*)$", log, re.M))
        self.assertEqual(
            paths, {name: str(site / "odoo" / "addons" / name) for name in expected}, log[-3000:]
        )


if __name__ == "__main__":
    unittest.main()
