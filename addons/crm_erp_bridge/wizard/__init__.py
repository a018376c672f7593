from . import sale_make_invoice_advance, sale_order_credit_override
