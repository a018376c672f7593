"""Run Odoo with every at_install test deferred to the post-install phase.

Used by ``scripts/test --core``: core's own tests of the modules the suite extends must pass with
the suite installed exactly as they do without it. On a running server, code runs in the fully
loaded registry, with every installed addon's overrides; core's at_install tests, run right after
their own module is installed, would not see the suite's overrides at all. So this launcher runs
them after the whole registry is loaded, next to the post_install tests, on both databases alike.

Usage: python odoo_core_tests.py <odoo command-line arguments>  (the arguments of ``odoo``)
"""

import sys

import odoo

_parse_config = odoo.tools.config._parse_config


def make_suite(module_names, position="at_install"):
    from odoo.tests import loader  # noqa: PLC0415 (only once the configuration enables tests)

    if position == "at_install":
        return loader.OdooSuite([])
    # post-install: every test of the modules, whatever its position tag, in one suite
    tests = list(_make_suite(module_names, "at_install")) + list(_make_suite(module_names, "post_install"))
    return loader.OdooSuite(sorted(tests, key=lambda t: t.test_sequence))


def parse_config(*args, **kwargs):
    """Patch the test loader once the command line is read: importing Odoo's test framework
    before tests are enabled logs an error."""
    global _make_suite  # noqa: PLW0603
    result = _parse_config(*args, **kwargs)
    if odoo.tools.config["test_enable"] and "_make_suite" not in globals():
        from odoo.tests import loader  # noqa: PLC0415

        _make_suite = loader.make_suite
        loader.make_suite = make_suite
    return result


odoo.tools.config._parse_config = parse_config

if __name__ == "__main__":
    sys.argv[0] = "odoo"
    odoo.cli.main()
