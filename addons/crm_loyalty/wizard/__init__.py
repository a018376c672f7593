from . import (
    base_partner_merge_automatic_wizard,
    loyalty_card_update_balance,
    loyalty_generate_wizard,
)
