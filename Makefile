# Technopark — the two commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DB_URL := $(or $(TECHNOPARK_TEST_DATABASE_URL),postgres://postgres@127.0.0.1:5432/technopark)
PYTEST_ARGS ?=
# pytest-xdist workers: one per core keeps `make test` well under 20 minutes on two cores.
PYTEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
# The second SQLite run moves the clock this many days ahead: no test may depend on today's date.
CLOCK_SHIFT_DAYS ?= 366

.PHONY: demo install install-dev assets test lint typecheck migrations-check pytest-sqlite \
	pytest-sqlite-shifted pytest-postgres serve worker bench messages clean screenshots

## The first command: set up, load the demo park, serve it at http://127.0.0.1:8000
demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "Serving the demo park at http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(MANAGE) runserver $(HOST):$(PORT)

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed assets

install-dev: $(VENV)/.installed-dev assets

# htmx comes from the npm registry; without npm the pages still work, with full reloads.
assets:
	@if [ -f node_modules/htmx.org/dist/htmx.min.js ]; then :; \
	elif command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent; \
	else echo "npm not found: htmx is skipped and the pages reload fully (install Node.js for partial updates)."; fi

## The second command: every check and every test
test: install-dev
	@bin/ensure-system-packages
	$(MAKE) --no-print-directory lint typecheck migrations-check pytest-sqlite pytest-sqlite-shifted \
		pytest-postgres

lint:
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	PYTHONPATH=src:. $(VENV)/bin/lint-imports

typecheck:
	$(VENV)/bin/mypy src

migrations-check:
	$(MANAGE) makemigrations --check --dry-run

pytest-sqlite:
	@echo "== pytest on SQLite =="
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m "not postgres" $(PYTEST_ARGS)

# The browser's layout and link-following checks (a page fits a phone, each role reaches its tasks
# by clicking) run at today's date only, to keep `make test` under 20 minutes on two cores; the
# journeys, whose steps follow dates, run at both.
SHIFTED_SKIP := --ignore=tests/e2e/test_layout.py --ignore=tests/e2e/test_role_journeys.py

pytest-sqlite-shifted:
	@echo "== pytest on SQLite with the clock $(CLOCK_SHIFT_DAYS) days ahead =="
	TECHNOPARK_TEST_CLOCK_SHIFT_DAYS=$(CLOCK_SHIFT_DAYS) $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m "not postgres" $(SHIFTED_SKIP) $(PYTEST_ARGS)

pytest-postgres:
	@echo "== pytest on PostgreSQL ($(TEST_DB_URL)) =="
	@$(PY) bin/check-postgres; rc=$$?; \
	if [ $$rc -eq 2 ]; then exit 0; elif [ $$rc -ne 0 ]; then exit $$rc; fi; \
	DATABASE_URL="$(TEST_DB_URL)" $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m "not e2e" $(PYTEST_ARGS)

## Production: gunicorn + whitenoise, DEBUG off, every setting from the environment (README)
# gunicorn believes X-Forwarded-* only from TECHNOPARK_FORWARDED_ALLOW_IPS (comma-separated; the
# reverse proxy on this machine by default); TECHNOPARK_TRUSTED_PROXY_COUNT tells the rate limits.
# It listens on BIND, 127.0.0.1:8000 by default: only that proxy reaches it.
serve: install
	TECHNOPARK_PRODUCTION=1 $(MANAGE) migrate --noinput
	TECHNOPARK_PRODUCTION=1 $(MANAGE) collectstatic --noinput -v0
	TECHNOPARK_PRODUCTION=1 $(VENV)/bin/gunicorn technopark.wsgi:application \
		--pythonpath src --bind $(or $(BIND),127.0.0.1:8000) --workers $(or $(WORKERS),3) \
		--access-logfile - --forwarded-allow-ips '$(or $(TECHNOPARK_FORWARDED_ALLOW_IPS),127.0.0.1)'

## The background worker for e-mail and scheduled work (database backend)
worker: install
	TECHNOPARK_PRODUCTION=1 $(MANAGE) db_worker

## Benchmarks (slow; not part of the tests): see docs/benchmarks.md
bench: install-dev
	bash bench/run.sh

## Extract and compile translations
# English is the source language; Russian is the catalogue.
messages: install-dev
	$(MANAGE) makemessages -l ru --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var \
		--ignore=tests --ignore=bench --ignore='*/migrations/*'
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules var .mypy_cache .ruff_cache .import_linter_cache

## Screenshots of each demo role's home (desktop and phone) for docs/guide/screenshots/
screenshots: install-dev
	$(PY) bin/screenshots
