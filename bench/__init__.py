"""`make bench`: the benchmark's seeder (`seed/`, the `bench_seed` command), its runner and ticks.

Not product code, and not in the product's package or its INSTALLED_APPS: `bench.settings`
(the product's settings plus this app) is what `make bench` runs `staffdesk bench-seed`
with. No product app imports it (an import-linter contract in `pyproject.toml`).
"""
