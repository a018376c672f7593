from odoo import models
from odoo.tools import SQL


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_foreign_keys(self, src_partners, dst_partner):
        # Core moves the orders and invoices with SQL: the customers they leave and the one
        # they reach are refreshed at commit, and the orders' stored commercial customer (what
        # RFM and the order-to-cash totals group by) follows their new contact.
        leaving = src_partners.commercial_partner_id.ids
        result = super()._update_foreign_keys(src_partners, dst_partner)
        self.env["sale.order"].flush_model(["partner_id", "crm_commercial_partner_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE sale_order so SET crm_commercial_partner_id = p.commercial_partner_id
                  FROM res_partner p
                 WHERE p.id = so.partner_id
                   AND (so.partner_id = %(dst)s OR so.crm_commercial_partner_id = %(dst)s)
                   AND so.crm_commercial_partner_id IS DISTINCT FROM p.commercial_partner_id
                """,
                dst=dst_partner.id,
            )
        )
        self.env["sale.order"].invalidate_model(["crm_commercial_partner_id"])
        self.env["res.partner"]._crm_queue_customer_360([*leaving, *dst_partner.commercial_partner_id.ids])
        return result
