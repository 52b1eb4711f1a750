# Two commands: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PL := $(BIN)/provision-ledger

.PHONY: run test setup lint typecheck migrations-check pytest system-packages demo clean bench

run: setup
	$(PL) migrate --noinput -v0
	$(PL) demo --if-empty
	$(PL) demo --sign-ins
	$(PL) runserver 127.0.0.1:8000

test: setup system-packages lint typecheck migrations-check pytest

setup: $(VENV)/.installed node_modules/.installed var/build/app.css

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip install -q -p $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q -p $(BIN)/python --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

var/build/app.css: provision_ledger/static_src/app.scss node_modules/.installed
	mkdir -p var/build
	npx sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps $< $@

# Browser tests drive Debian's Chromium (Playwright's own browser download is never used);
# WeasyPrint draws PDFs with Pango and needs a font.
DEBIAN_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
system-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Missing Debian packages. Run: sudo apt-get install -y --no-install-recommends" $$missing; exit 1; \
	  fi; \
	fi

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: setup
	$(BIN)/mypy provision_ledger

migrations-check: setup
	$(PL) makemigrations --check --dry-run

# Two workers on these two-core machines; each gets its own SQLite file or PostgreSQL database.
PYTEST_WORKERS ?= auto
# Coverage of the whole package is reported; the rules, where the law and the arithmetic live, must keep 95 % of
# their branches covered.
RULES_COVERAGE ?= 95
pytest: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS) --cov=provision_ledger --cov-branch --cov-report=term:skip-covered
	$(BIN)/coverage report --include='provision_ledger/rules/*' --fail-under=$(RULES_COVERAGE)

# Not part of `make test`: several minutes of synthetic data on SQLite and PostgreSQL (see bench/run.py).
# The child page's load comes from wrk, a load generator in C, from Debian's packages.
bench: setup
	$(MAKE) --no-print-directory system-packages DEBIAN_PACKAGES=wrk
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules var/build var/static
