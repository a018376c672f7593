from . import test_install, test_ui_menu
