from . import (
    test_cockpit,
    test_credit_control,
    test_delivery_promise,
    test_install,
    test_order_to_cash_state,
    test_partner_o2c_figures,
    test_security_rpc,
    test_ui_cockpit,
)
