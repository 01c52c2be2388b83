# staffdesk — `make run` serves the demo, `make test` runs the checks and the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HASH := $(shell cat pyproject.toml | sha1sum | cut -c1-12)
RUN_STAMP := $(VENV)/.installed-run-$(HASH)
STAMP := $(VENV)/.installed-dev-$(HASH)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# make bench: BENCH_DB=sqlite|postgres, BENCH_REQUESTS (default 1000000), BENCH_QUICK=1 (100k, short runs),
# BENCH_SERVER=gunicorn-sync (default)|gunicorn-gthread|granian|waitress, or several comma-separated
BENCH_DB ?= sqlite
BENCH_REQUESTS ?=
BENCH_QUICK ?=

.PHONY: run test test-browser screenshots lint install clean bench

# `make run` installs what running needs; the checks, tests and benchmarks add the dev extras.
$(RUN_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	@rm -f $(VENV)/.installed-run-*
	@touch $@

$(STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-dev-*
	@touch $@

install: $(STAMP)

# Links in mail and the sign-in banner point at HOST:PORT unless STAFFDESK_BASE_URL is set.
run: $(RUN_STAMP)
	$(BIN)/staffdesk migrate --no-input -v 0
	$(BIN)/staffdesk collectstatic --no-input -v 0
	STAFFDESK_BASE_URL="$${STAFFDESK_BASE_URL:-http://$(HOST):$(PORT)}" $(BIN)/staffdesk demo --if-empty
	$(BIN)/staffdesk serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check --no-cache staffdesk tests bench conftest.py
	$(BIN)/ruff format --no-cache --check staffdesk tests bench conftest.py
	$(BIN)/mypy staffdesk bench
	$(BIN)/lint-imports
	$(BIN)/staffdesk makemigrations --check --dry-run -v 0

# Two processes (pytest-xdist): each has its own test database.
test: lint
	$(BIN)/pytest -m "not browser" -n 2 $(PYTEST_ARGS)

# Browser tests drive Debian's Chromium (/usr/bin/chromium); .ci/run installs it when missing.
test-browser: $(STAMP)
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

# Refresh docs/screenshots/ (the main pages on the demo data, news and the status board
# among them, desktop and 375 px).
screenshots: $(STAMP)
	STAFFDESK_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(BIN)/pytest -m browser tests/browser/test_demo_pages.py

# Benchmarks (bench/run.py, docs/performance.md): seed once into bench/cache, serve the floors
# and staffdesk with each BENCH_SERVER, load with wrk, write bench/results/<date>-<db>[-<server>].json
# and print the tables (bench/compare.py puts two results files side by side).
bench: $(STAMP)
	BENCH_DB=$(BENCH_DB) BENCH_REQUESTS=$(BENCH_REQUESTS) BENCH_QUICK=$(BENCH_QUICK) \
		$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
