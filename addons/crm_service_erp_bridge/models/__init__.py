from . import account_move, crm_ticket, stock_picking, stock_return_picking
