from . import sale_order_credit_override
