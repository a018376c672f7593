from odoo import models
from odoo.tools import SQL, index_exists

SURVEY_REWARD_INDEX = "crm_loyalty_ledger_survey_reward_uniq"


class CrmLoyaltyLedger(models.Model):
    _inherit = "crm.loyalty.ledger"

    def init(self):
        result = super().init()
        # a program rewards an answer once: two transactions completing (or rewarding) the same
        # answer at once cannot both write its award (see crm.ticket._crm_survey_reward)
        if not index_exists(self.env.cr, SURVEY_REWARD_INDEX):
            self.env.cr.execute(
                SQL(
                    """
                    CREATE UNIQUE INDEX %s ON crm_loyalty_ledger (program_id, order_id)
                     WHERE order_model = 'survey.user_input' AND entry_type = 'earn'
                    """,
                    SQL.identifier(SURVEY_REWARD_INDEX),
                )
            )
        return result
