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
## browser journeys and accessibility checks included (`-m "not browser"` skips them), in JOBS
## processes (pytest-xdist, each with its own test database, media and broker folders).
## `--dist load` hands each process its tests in the collection's order, so that the
## transactional tests (which flush the database) stay after the others in each process
## (conftest.py); `worksteal` would not. `make test JOBS=0`: one process; ARGS: a group.
JOBS ?= 2
test: setup chromium
	$(BIN)/pytest -p no:cacheprovider -n $(JOBS) --dist load $(ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var db.sqlite3
