from . import test_chat_interaction, test_chat_ticket, test_security_rpc_livechat, test_ui_livechat
