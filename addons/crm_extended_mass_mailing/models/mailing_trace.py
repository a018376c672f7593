from odoo import models
from odoo.tools import create_index


class MailingTrace(models.Model):
    _inherit = "mailing.trace"

    def init(self):
        res = super().init()
        # The customer timeline finds a customer's traces from his documents (contacts,
        # leads, orders): core has no index for that way in.
        create_index(self.env.cr, "mailing_trace_crm_model_res_id_idx", self._table, ["model", "res_id"])
        return res
