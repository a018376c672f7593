"""Attack the suite as a browser can: Odoo's JSON-RPC ``/web/dataset/call_kw``, with any model,
method, arguments and context, as real users of every kind (portal, employee, salesperson,
service user, managers, a user of another company).

Each addon's ``tests/test_security_rpc.py`` declares who may do what and proves the refusals
through this class, not only through ``with_user``.
"""

from odoo import Command
from odoo.tests import HttpCase, new_test_user
from odoo.tests.common import JsonRpcException

# the exceptions a refusal may end with: anything else (a crash, a silent success) is a defect
REFUSALS = (
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
)


class RpcAttackCase(HttpCase):
    """Users of each kind in two companies; ``rpc`` calls a model method over JSON-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Other Company B"})
        cls.users = {}
        cls.make_user("portal", "base.group_portal")
        cls.make_user("employee", "base.group_user")
        cls.make_user("salesman", "sales_team.group_sale_salesman")
        cls.make_user("sales_admin", "sales_team.group_sale_manager")
        cls.make_user("service", "crm_extended.group_crm_service_user")
        cls.make_user(
            "other_company",
            "sales_team.group_sale_manager",
            company=cls.company_b,
        )

    @classmethod
    def make_user(cls, key, groups, company=None, **vals):
        """A user named after its role; its password is its login (``rpc_<key>``)."""
        company = company or cls.company_a
        login = f"rpc_{key}"
        user = new_test_user(
            cls.env,
            login=login,
            password=login,
            groups=groups,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
            name=f"RPC {key}",
            **vals,
        )
        cls.users[key] = user
        return user

    def rpc(self, who, model, method, args=(), kwargs=None, context=None):
        """Call ``model.method(*args, **kwargs)`` over JSON-RPC as user ``who``."""
        login = self.users[who].login
        self.authenticate(login, login)
        kwargs = dict(kwargs or {})
        if context is not None:
            kwargs["context"] = context
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def assertRpcRefused(self, who, model, method, args=(), kwargs=None, context=None):
        """The call ends with a clear refusal (AccessError, UserError, ValidationError)."""
        with self.assertRaises(JsonRpcException, msg=f"{who} may not call {model}.{method}") as caught:
            self.rpc(who, model, method, args, kwargs, context)
        self.assertIn(str(caught.exception), REFUSALS, f"{who} calling {model}.{method}")
        # the refused call's transaction is rolled back: later reads in the test see no change
        self.env.invalidate_all()
        return caught.exception
