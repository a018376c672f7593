import json
import re

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

# ODOO.LIST(list id, row, "field") and PIVOT.VALUE / PIVOT.HEADER(pivot id, ...)
LIST_FORMULA = re.compile(r'ODOO\.LIST\((\d+),\s*\d+,\s*"([^"]+)"\)')
PIVOT_FORMULA = re.compile(r"PIVOT(?:\.VALUE|\.HEADER)?\((\d+)")
FILTER_TYPES = {
    "date": {"date", "datetime"},
    "datetime": {"date", "datetime"},
    "many2one": {"many2one"},
    "many2many": {"many2many"},
}


class DashboardChecks:
    """Checks a dashboard of the suite against the models it reads, as its managers read them
    (mixed into a TransactionCase by each glue's tests).

    A renamed or dropped field, a field that cannot be grouped or summed, a filter matched on a
    field of the wrong kind, a formula pointing at a pivot or list that does not exist: each
    would show an error in the dashboard, and fails here first."""

    # Odoo runs only the test methods a class defines itself, unless told otherwise
    allow_inherited_tests_method = True
    dashboard_xmlid = None
    manager_group_xmlids = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref(cls.dashboard_xmlid)
        cls.data = json.loads(cls.dashboard.spreadsheet_data)

    # ------------------------------------------------------------------ helpers

    def _domain(self, domain):
        """The domain a data source sends: dynamic ones are evaluated as the web client does."""
        if isinstance(domain, str):
            domain = safe_eval(
                domain,
                {
                    "context_today": lambda: fields.Date.context_today(self.dashboard),
                    "relativedelta": relativedelta,
                },
            )
        return domain

    def _field(self, model, chain):
        """The last field of a dotted chain, each step checked to exist."""
        field = None
        for name in chain.split("."):
            if name not in model._fields:
                self.fail(f"{model._name} has no field {name!r} (in {chain!r})")
            field = model._fields[name]
            if field.relational:
                model = self.env[field.comodel_name]
        return field

    def _check_domain(self, model, domain, where):
        for leaf in expression.normalize_domain(self._domain(domain)):
            if isinstance(leaf, (list, tuple)) and isinstance(leaf[0], str):
                field = self._field(model, leaf[0])
                self.assertTrue(
                    field.store or field.search or field.related,
                    f"{where}: {model._name}.{leaf[0]} cannot be searched",
                )

    def _check_groupby(self, model, spec, where):
        name = spec.split(":")[0]
        self._field(model, name)
        description = model.fields_get([name], ["groupable"])[name]
        self.assertTrue(description.get("groupable"), f"{where}: {model._name}.{name} cannot be grouped")

    def _check_measure(self, model, name, where):
        if name == "__count":
            return
        self._field(model, name)
        description = model.fields_get([name], ["aggregator"])[name]
        self.assertTrue(description.get("aggregator"), f"{where}: {model._name}.{name} cannot be summed")

    def _check_matching(self, model, matching, where):
        filters = {f["id"]: f for f in self.data["globalFilters"]}
        for filter_id, match in matching.items():
            self.assertIn(filter_id, filters, f"{where}: matched on an unknown filter")
            if not match.get("chain"):
                continue
            field = self._field(model, match["chain"])
            self.assertIn(
                field.type, FILTER_TYPES[match["type"]], f"{where}: {match['chain']} is a {field.type}"
            )
            if filters[filter_id]["type"] == "relation":
                self.assertEqual(
                    field.comodel_name, filters[filter_id]["modelName"], f"{where}: {match['chain']}"
                )

    def _data_sources(self):
        for pivot in self.data["pivots"].values():
            yield f"pivot {pivot['name']}", pivot["model"], pivot
        for lst in self.data["lists"].values():
            yield f"list {lst['name']}", lst["model"], lst
        for figure in self._charts():
            yield (
                f"chart {figure['data']['title']['text']}",
                figure["data"]["metaData"]["resModel"],
                figure["data"],
            )

    def _charts(self):
        return [
            figure
            for sheet in self.data["sheets"]
            for figure in sheet["figures"]
            if figure["data"]["type"].startswith("odoo_")
        ]

    # ------------------------------------------------------------------ tests

    def test_fields_exist_and_group(self):
        for where, model_name, source in self._data_sources():
            with self.subTest(source=where):
                self.assertIn(model_name, self.env, f"{where}: no model {model_name}")
                model = self.env[model_name]
                self._check_matching(model, source["fieldMatching"], where)
                if "metaData" in source:  # a chart
                    self._check_domain(model, source["searchParams"]["domain"], where)
                    for spec in source["metaData"]["groupBy"]:
                        self._check_groupby(model, spec, where)
                    self._check_measure(model, source["metaData"]["measure"], where)
                elif "measures" in source:  # a pivot
                    self._check_domain(model, source["domain"], where)
                    for spec in source["rows"] + source["columns"]:
                        self._check_groupby(model, spec["fieldName"], where)
                    for measure in source["measures"]:
                        self._check_measure(model, measure["fieldName"], where)
                else:  # a list
                    self._check_domain(model, source["domain"], where)
                    for name in source["columns"] + [o["name"] for o in source["orderBy"]]:
                        self._field(model, name)

    def test_filters(self):
        filters = self.data["globalFilters"]
        types = {f["type"] for f in filters}
        self.assertIn("date", types, "no period filter")
        models = {f.get("modelName") for f in filters}
        self.assertIn("res.company", models)
        self.assertTrue(
            models & {"res.users", "crm.team", "crm.ticket.team"}, "no salesperson or team filter"
        )
        for model in models - {None}:
            self.assertIn(model, self.env)
        # every filter applies to at least one data source
        matched = {fid for _w, _m, source in self._data_sources() for fid in source["fieldMatching"]}
        self.assertEqual(matched, {f["id"] for f in filters})

    def test_formulas_point_at_data_sources(self):
        lists = self.data["lists"]
        for sheet in self.data["sheets"]:
            for xc, cell in sheet["cells"].items():
                content = cell.get("content", "")
                for list_id, field in LIST_FORMULA.findall(content):
                    self.assertIn(list_id, lists, f"{sheet['name']}!{xc}")
                    self.assertIn(field, lists[list_id]["columns"], f"{sheet['name']}!{xc}")
                for pivot_id in PIVOT_FORMULA.findall(content):
                    self.assertIn(pivot_id, self.data["pivots"], f"{sheet['name']}!{xc}")

    def test_has_charts(self):
        self.assertTrue(self._charts(), "a dashboard without a chart")

    def test_data_sources_read_as_manager(self):
        """What the dashboard asks the server, asked by a user of its groups: no access error."""
        for group in self.manager_group_xmlids:
            manager = self.env["res.users"].create(
                {
                    "name": f"Dashboard reader {group}",
                    "login": f"dashboard_reader_{group}",
                    "groups_id": [(6, 0, self.env.ref(group).ids)],
                }
            )
            self.assertIn(self.dashboard, self.env["spreadsheet.dashboard"].with_user(manager).search([]))
            self._read_data_sources(manager)

    def _read_data_sources(self, manager):
        for where, model_name, source in self._data_sources():
            with self.subTest(source=where, user=manager.name):
                model = self.env[model_name].with_user(manager)
                if "metaData" in source:
                    domain = self._domain(source["searchParams"]["domain"])
                    groupby = source["metaData"]["groupBy"]
                    measure = source["metaData"]["measure"]
                    model.read_group(domain, [] if measure == "__count" else [measure], groupby, lazy=False)
                elif "measures" in source:
                    measures = [m["fieldName"] for m in source["measures"] if m["fieldName"] != "__count"]
                    groupby = [g["fieldName"] for g in source["rows"] + source["columns"]]
                    model.read_group(self._domain(source["domain"]), measures, groupby, lazy=False)
                else:
                    model.search_read(self._domain(source["domain"]), source["columns"], limit=10)

    def test_groups(self):
        self.assertEqual(
            self.dashboard.group_ids,
            self.env["res.groups"].browse([self.env.ref(x).id for x in self.manager_group_xmlids]),
        )
        self.assertEqual(
            self.dashboard.dashboard_group_id,
            self.env.ref("crm_extended_spreadsheet_dashboard.spreadsheet_dashboard_group_crm_suite"),
        )
        # a plain employee does not see it
        employee = self.env["res.users"].create(
            {
                "name": "Dashboard employee",
                "login": f"dashboard_employee_{self.dashboard.id}",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        self.assertNotIn(self.dashboard, self.env["spreadsheet.dashboard"].with_user(employee).search([]))
