# staffdesk — `make run` serves the demo, `make test` runs the checks and the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-browser screenshots lint install clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: $(STAMP)
	$(BIN)/staffdesk migrate --no-input -v 0
	$(BIN)/staffdesk demo --if-empty
	$(BIN)/staffdesk serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check staffdesk tests conftest.py
	$(BIN)/ruff format --check staffdesk tests conftest.py
	$(BIN)/lint-imports
	$(BIN)/staffdesk makemigrations --check --dry-run -v 0

test: lint
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

# Browser tests drive Debian's Chromium (/usr/bin/chromium); .ci/run installs it when missing.
test-browser: $(STAMP)
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

# Refresh docs/screenshots/ (the five main pages on the demo data, desktop and 375 px).
screenshots: $(STAMP)
	STAFFDESK_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(BIN)/pytest -m browser tests/browser/test_demo_pages.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
