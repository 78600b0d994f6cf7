# CEIS — the two commands: `make run` and `make test`. Everything else is set up by them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup migrate demo lint format check-deploy clean prod-local chromium bench-load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

## Serve http://127.0.0.1:8000 with a real Celery worker (filesystem broker unless CELERY_BROKER_URL).
run: demo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) bash scripts/run-local.sh

## The production stack here: gunicorn, Celery workers and beat, production settings, local
## PostgreSQL and Redis (DATABASE_URL, CELERY_BROKER_URL…: see docs/deployment.md).
prod-local: setup
	HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) bash scripts/prod-local.sh

## Load test: Locust (requirements-bench.txt) against gunicorn, production settings, PostgreSQL.
## make bench-load ARGS="--users 50 --duration 60s --scale 100"
BENCH_STAMP := $(VENV)/.requirements-bench-installed
$(BENCH_STAMP): requirements-bench.txt $(STAMP)
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $(BENCH_STAMP)

bench-load: $(BENCH_STAMP)
	$(BIN)/python bench/load_test.py $(ARGS)

## Debian's Chromium for the browser tests (Playwright drives it; no browser download).
chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

## The whole suite (SQLite and filesystem broker unless DATABASE_URL / CELERY_BROKER_URL),
## browser journeys and accessibility checks included, but not the `faults` marker (its own
## .ci/run step). Two pytest runs side by side: the browser tests (tests/browser/) in
## one process, which waits on Chromium and its live server more than it computes, its output in
## test-output/browser-tests.log, shown at the end; and all the other tests in JOBS processes
## (pytest-xdist, each with its own test database, media and broker folders), which fill the
## cores meanwhile. One browser process keeps its PostgreSQL test database (`test_ceis`) apart
## from the others' (`test_ceis_gw0`, `_gw1`). `--dist load` hands each process its tests in the
## collection's order, so that the transactional tests (which flush the database) stay after the
## others in each process (conftest.py); `worksteal` would not.
## `make test JOBS=0`: everything in one process; `make test ARGS=…`: one pytest run of that group
## (e.g. ARGS='-m browser') in JOBS processes.
JOBS ?= 2
PYTEST := $(BIN)/pytest -p no:cacheprovider
BROWSER_LOG := test-output/browser-tests.log
test: setup chromium
ifeq ($(strip $(ARGS))$(filter 0,$(JOBS)),)
	@mkdir -p $(dir $(BROWSER_LOG))
	@$(PYTEST) tests/browser -n 0 > $(BROWSER_LOG) 2>&1 & browser=$$!; \
	trap 'kill $$browser 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	echo "Browser tests started beside the others (pid $$browser, output in $(BROWSER_LOG))."; \
	$(PYTEST) -n $(JOBS) --dist load -m "not browser and not faults"; others=$$?; \
	echo; echo "==== Browser tests (tests/browser/, one process: $(BROWSER_LOG)) ===="; \
	wait $$browser; browsers=$$?; cat $(BROWSER_LOG); \
	test $$others -eq 0 -a $$browsers -eq 0
else
	$(PYTEST) -n $(JOBS) --dist load $(ARGS)
endif

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var db.sqlite3
