# Family Workbook: the two commands are `make run` and `make test`; everything else helps them.
#
# Every Python command runs as .venv/bin/python, never through `source`. `make setup` is
# idempotent: stamp files under var/stamps/ remember what was installed, and are rebuilt only
# when pyproject.toml or package-lock.json (or the folders they produced) change.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# The halves of `make test` must run one after another, even under `make -j`.
.NOTPARALLEL:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
NPM ?= npm
PORT ?= 8000
# The demo county `make run` creates in an empty database: 400 families seed in about 5 s and give
# social workers about 15 children each, as in the Cambridgeshire pilot (SEED-NUMBERS.md).
FAMILIES ?= 400
SEED ?= 1
# pytest's own flags for every half, e.g. `make test PYTEST_ARGS="-k family -x"`.
PYTEST_ARGS ?=
# The SQLite and PostgreSQL halves run in this many pytest-xdist workers (one per core here;
# each worker has its own test database). PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= 2
PARALLEL := $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist load,)
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

# The PostgreSQL half uses DATABASE_URL when it names a PostgreSQL server, else the local one.
DEFAULT_POSTGRES_URL := postgres://postgres@127.0.0.1:5432/familyworkbook
ifneq ($(filter postgres://% postgresql://%,$(DATABASE_URL)),)
POSTGRES_URL := $(DATABASE_URL)
else
POSTGRES_URL := $(DEFAULT_POSTGRES_URL)
endif

STAMPS := var/stamps
STAMP_PY := $(STAMPS)/python-deps
STAMP_NPM := $(STAMPS)/npm-deps
STAMP_FRONTEND := $(STAMPS)/frontend
# The DfE-rule validators need pandas<2 and numpy<1.25, so they live in their own venv.
STAMP_VALIDATORS := $(STAMPS)/validators
RESULTS := var/test-results

# A stamp is only as good as what it stands for: if the venv, node_modules or the copied
# GOV.UK Frontend went missing, forget the stamp so the next `make setup` rebuilds it.
ifeq ($(wildcard $(PY)),)
$(shell rm -f $(STAMP_PY))
endif
ifeq ($(wildcard node_modules/govuk-frontend/package.json node_modules/axe-core/axe.min.js),)
$(shell rm -f $(STAMP_NPM))
endif
ifeq ($(wildcard var/frontend/govuk/govuk-frontend.min.css),)
$(shell rm -f $(STAMP_FRONTEND))
endif
ifeq ($(wildcard .venv-validators/bin/python),)
$(shell rm -f $(STAMP_VALIDATORS))
endif

# Local commands may use the built-in insecure key; a deployment sets DJANGO_SECRET_KEY.
MIGRATE_ENV :=
MANAGE := FWB_ALLOW_INSECURE_KEY=true $(PY) manage.py
PYTEST := FWB_ALLOW_INSECURE_KEY=true $(PY) -m pytest

.PHONY: help setup deps run test test-sqlite test-postgres test-browser lint format bench fuzz clean \
	_test-start _python-version

help:
	@echo "make run     set up, create the demo county if the database is empty, serve on http://127.0.0.1:$(PORT)/"
	@echo "make test    set up, run every test on SQLite, then PostgreSQL, then in Chromium"
	@echo "Also: setup, deps, test-sqlite, test-postgres, test-browser, lint, format, bench, bench-load, bench-import, fuzz, clean"

# --- set-up -----------------------------------------------------------------------------

# `setup` = the dependencies + migrating the database `make run` uses (DATABASE_URL, else SQLite).
# Under the test targets it migrates the local SQLite database instead: the tests build their
# own databases, and a DATABASE_URL naming an unreachable PostgreSQL must give the PostgreSQL
# half a clear skip (or, under CI, a clear failure), not a crash here.
test test-sqlite test-postgres test-browser: MIGRATE_ENV := env -u DATABASE_URL
setup: deps
	@$(MIGRATE_ENV) $(MANAGE) migrate --no-input -v 0
	@echo "Set-up is complete."

deps: $(STAMP_PY) $(STAMP_FRONTEND)
	@mkdir -p var/static

_python-version:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
		echo "Family Workbook needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)." >&2; \
		echo "Install Python 3.11+ and run again, or point at it: make PYTHON=/path/to/python3.11 ..." >&2; \
		exit 1; }

$(VENV)/pyvenv.cfg: | _python-version
	@echo "Creating $(VENV) with $$($(PYTHON) --version)"
	@$(PYTHON) -m venv $(VENV)

$(STAMP_PY): pyproject.toml $(VENV)/pyvenv.cfg | _python-version
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
		echo "$(VENV) was made with Python older than 3.11: run 'make clean' and try again." >&2; exit 1; }
	@echo "Installing Python packages into $(VENV)"
	@$(PY) -m pip install -qq --disable-pip-version-check -e '.[dev]'
	@mkdir -p $(STAMPS) && touch $@

$(STAMP_NPM): package-lock.json package.json
	@command -v $(NPM) >/dev/null || { echo "npm is not installed: install Node.js 18+ with npm, then run again." >&2; exit 1; }
	@echo "Installing front-end packages (npm ci)"
	@$(NPM) ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(STAMPS) && touch $@

# Only the tests need the statutory validators; `make run` does not wait for them.
$(STAMP_VALIDATORS): scripts/validators/requirements.txt scripts/validators/setup.sh
	@scripts/validators/setup.sh
	@mkdir -p $(STAMPS) && touch $@

$(STAMP_FRONTEND): $(STAMP_NPM) scripts/build_frontend.py $(STAMP_PY)
	@$(PY) scripts/build_frontend.py
	@mkdir -p $(STAMPS) && touch $@

# --- the product ------------------------------------------------------------------------

# The demo runs background tasks in the request, so it needs no `manage.py db_worker` beside it.
run: export FWB_TASKS_IMMEDIATE ?= true
run: setup
	@$(MANAGE) seed_demo --families $(FAMILIES) --seed $(SEED) --if-empty
	@echo
	@$(MANAGE) demo_logins
	@echo
	@echo "Family Workbook: open http://127.0.0.1:$(PORT)/ and sign in with a user above."
	@echo "Stop it with Ctrl+C."
	@DJANGO_DEBUG=true exec $(PY) manage.py runserver 127.0.0.1:$(PORT)

# --- tests ------------------------------------------------------------------------------
# Each half writes a JUnit file under var/test-results/; `make test` ends with one summary of
# all halves. pytest exits 5 when it collects nothing: that is a failure here, never a pass.

test: setup _test-start test-sqlite test-postgres test-browser
	@$(PY) scripts/test_summary.py $(RESULTS)

_test-start:
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)

test-sqlite: setup $(STAMP_VALIDATORS)
	@echo "== Tests on SQLite =="
	@mkdir -p $(RESULTS)
	@env -u DATABASE_URL $(PYTEST) -m "not browser" $(PARALLEL) --junitxml=$(RESULTS)/sqlite.xml $(PYTEST_ARGS) \
		|| scripts/pytest_failed.sh $$? "SQLite"

test-postgres: setup $(STAMP_VALIDATORS)
	@echo "== Tests on PostgreSQL =="
	@mkdir -p $(RESULTS)
	@if reason=$$($(PY) scripts/check_postgres.py "$(POSTGRES_URL)"); then \
		DATABASE_URL="$(POSTGRES_URL)" $(PYTEST) -m "not browser" $(PARALLEL) --junitxml=$(RESULTS)/postgres.xml $(PYTEST_ARGS) \
			|| scripts/pytest_failed.sh $$? "PostgreSQL"; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "FAILED: PostgreSQL is required under CI=true but cannot be reached: $$reason" >&2; exit 1; \
	else \
		echo "SKIPPED the PostgreSQL half: $$reason" | tee $(RESULTS)/postgres.skipped; \
	fi

test-browser: setup
	@echo "== Browser tests in Chromium =="
	@mkdir -p $(RESULTS)
	@if [ -x "$(CHROMIUM)" ]; then \
		env -u DATABASE_URL $(PYTEST) -m browser --junitxml=$(RESULTS)/browser.xml $(PYTEST_ARGS) \
			|| scripts/pytest_failed.sh $$? "browser"; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "FAILED: Chromium is required under CI=true but $(CHROMIUM) does not exist (apt-get install chromium)." >&2; exit 1; \
	else \
		echo "SKIPPED the browser half: no Chromium at $(CHROMIUM) (install Debian's chromium, or set CHROMIUM=/path/to/chromium)" \
			| tee $(RESULTS)/browser.skipped; \
	fi

# --- housekeeping -----------------------------------------------------------------------

lint: $(STAMP_PY)
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .

format: $(STAMP_PY)
	@$(PY) -m ruff format .
	@$(PY) -m ruff check --fix .

# Page response times on a seeded county, on SQLite then PostgreSQL (see bench/README.md).
BENCH_FAMILIES ?= 20000
bench: setup
	@for db in sqlite postgres; do \
		FWB_ALLOW_INSECURE_KEY=true $(PY) bench/pages.py --families $(BENCH_FAMILIES) --database $$db; \
	done

# A council's working day on the production server (issue 15; bench/README.md), outside
# `make test`: a scratch PostgreSQL database LOAD_DATABASE (dropped and made again, dropped at
# the end) with a county of LOAD_FAMILIES, two gunicorn processes, LOAD_USERS practitioners for
# DURATION, then SPIKE_USERS for SPIKE_DURATION; one table, and bench/results/load.json.
LOAD_FAMILIES ?= 20000
LOAD_DATABASE ?= fwb_bench_load
LOAD_USERS ?= 50
DURATION ?= 10m
SPIKE_USERS ?= 200
SPIKE_DURATION ?= 1m
.PHONY: bench-load
bench-load: setup
	@$(PY) -c 'import locust' 2>/dev/null || $(PY) -m pip install -qq --disable-pip-version-check -e '.[dev,bench]'
	@BENCH_POSTGRES_URL="$$($(PY) -c 'import sys; u = sys.argv[1]; print(u.rsplit("/", 1)[0])' "$(POSTGRES_URL)")" \
		$(PY) bench/load.py --families $(LOAD_FAMILIES) --seed $(SEED) --database $(LOAD_DATABASE) \
		--users $(LOAD_USERS) --duration $(DURATION) --spike-users $(SPIKE_USERS) --spike-duration $(SPIKE_DURATION)

# Moving a county in (issue 16; bench/README.md), outside `make test`: a demo county of
# IMPORT_FAMILIES / IMPORT_COPIES families seeded and exported as an SSD extract, written
# IMPORT_COPIES times with prefixed keys, imported into an empty scratch PostgreSQL database,
# imported again (every family unchanged) and dry-run; bench/results/import_ssd.json.
IMPORT_FAMILIES ?= 20000
IMPORT_COPIES ?= 10
.PHONY: bench-import
bench-import: setup
	@BENCH_POSTGRES_URL="$$($(PY) -c 'import sys; u = sys.argv[1]; print(u.rsplit("/", 1)[0])' "$(POSTGRES_URL)")" \
		$(PY) bench/import_ssd.py --families $(IMPORT_FAMILIES) --copies $(IMPORT_COPIES)

# The deep form fuzz (issue 25), outside `make test`: every role, FUZZ_EXAMPLES generated
# answers per form and page, a new seed each run (printed; FUZZ_SEED=N repeats one), on SQLite
# then PostgreSQL with the same seed. `make test` runs the same test with seed 25, 2 examples.
FUZZ_EXAMPLES ?= 50
FUZZ_ROLES ?= all
fuzz: setup
	@seed=$${FUZZ_SEED:-$$(( (RANDOM << 15) | RANDOM ))}; echo "Form fuzz seed $$seed"; \
	for db in sqlite postgres; do \
		if [ $$db = postgres ]; then on="env DATABASE_URL=$(POSTGRES_URL)"; else on="env -u DATABASE_URL"; fi; \
		echo "== Form fuzz on $$db =="; \
		$$on FWB_FUZZ_SEED=$$seed FWB_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
			FWB_FUZZ_ROLES=$(FUZZ_ROLES) $(PYTEST) -p no:xdist -s -q tests/security/test_form_fuzz.py \
			2>&1 | grep -E "form fuzz|passed|failed|Error|^E " || exit 1; \
	done

# Removes what set-up made; the demo database (var/familyworkbook.sqlite3) is kept.
clean:
	rm -rf $(VENV) .venv-validators node_modules $(STAMPS) var/frontend var/static $(RESULTS) test-results \
		.ruff_cache .pytest_cache *.egg-info
	find . -name __pycache__ -type d -prune -not -path './node_modules/*' -exec rm -rf {} +
