# ruff: noqa: I001
# Order matters: the segment mirror mixin comes before the models inheriting it (crm.lead,
# sale.order); crm_partner_timeline is a SQL view over the tables of the models before it.
from . import crm_segment_mirror_mixin
from . import (
    account_move,
    base_partner_merge_automatic_wizard,
    crm_completeness_weight,
    crm_customer_segment,
    crm_duplicate_candidate,
    crm_interaction,
    crm_lead,
    crm_rfm_history,
    ir_cron,
    res_config_settings,
    res_partner,
    sale_order,
)
from . import crm_partner_timeline
