from odoo import models
from odoo.tools import SQL


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_foreign_keys(self, src_partners, dst_partner):
        """Keep the rewards issued to the merged partners with the partner that remains.

        Core moves every reference in one UPDATE per column and, when it breaks a unique key,
        deletes all the source rows of that column: a single clash on the rewards log
        (both duplicates rewarded for the same trigger and period) would erase the duplicate's
        whole reward history, and a once-per-customer reward be issued again. The log rows are
        moved first, here: one row per (trigger, period) keeps the key, the others keep their
        history under a key of their own."""
        if src_partners:
            self.env["crm.loyalty.trigger.log"].flush_model()
            self.env.cr.execute(
                SQL(
                    """
                    WITH ranked AS (
                        SELECT id, row_number() OVER (
                                   PARTITION BY trigger_id, period_key
                                   ORDER BY partner_id = %(dst)s DESC, id
                               ) AS n
                          FROM crm_loyalty_trigger_log
                         WHERE partner_id = ANY(%(all)s)
                    )
                    UPDATE crm_loyalty_trigger_log log
                       SET partner_id = %(dst)s,
                           period_key = CASE WHEN ranked.n > 1
                                             THEN log.period_key || '/merged-' || log.id
                                             ELSE log.period_key END
                      FROM ranked
                     WHERE ranked.id = log.id AND log.partner_id = ANY(%(src)s)
                    """,
                    dst=dst_partner.id,
                    src=src_partners.ids,
                    all=[*src_partners.ids, dst_partner.id],
                )
            )
            self.env["crm.loyalty.trigger.log"].invalidate_model(["partner_id", "period_key"])
        return super()._update_foreign_keys(src_partners, dst_partner)
