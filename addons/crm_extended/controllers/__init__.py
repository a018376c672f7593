from . import customer_data
