"""The product's settings with the benchmark app installed, for `staffdesk bench-seed`:
`DJANGO_SETTINGS_MODULE=bench.settings`, the repository on `PYTHONPATH` (bench/run.py sets
both)."""

from staffdesk.config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
