from . import test_install, test_return_reverses_points
