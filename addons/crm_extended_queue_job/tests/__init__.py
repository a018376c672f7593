from . import test_heavy_jobs
