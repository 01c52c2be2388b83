"""The benchmark seeder is installed for `make bench` only."""

import importlib

from django.conf import settings


def test_the_product_does_not_install_the_bench_app():
    # tests/bench/conftest.py adds it to the other tests of this folder, not to this one's
    # view of the product's settings module.
    product = importlib.import_module("staffdesk.config.settings")
    assert "bench" not in product.INSTALLED_APPS
    assert "staffdesk.demo" in product.INSTALLED_APPS
    bench = importlib.import_module("bench.settings")
    assert [*product.INSTALLED_APPS, "bench"] == bench.INSTALLED_APPS
    assert settings.INSTALLED_APPS[-1] == "bench"
