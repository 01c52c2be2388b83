import pytest


@pytest.fixture(autouse=True)
def bench_installed(settings):
    """The bench app, which the product does not install, as `bench.settings` adds it."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "bench"]
