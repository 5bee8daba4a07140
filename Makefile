# Two commands do all the set-up on a fresh machine:
#   make run    the demo site on http://127.0.0.1:8000 (SQLite in instance/, demo content)
#   make test   the test suite (SQLite; set TEST_DATABASE_URL to run it on PostgreSQL too)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask
export FLASK_APP := wsgi

.PHONY: run test lint outbox bench bench-pages clean help
.DEFAULT_GOAL := help

help:
	@echo "make run    - install, migrate, load demo content, serve on http://127.0.0.1:8000"
	@echo "make test   - install test tools and run the test suite"
	@echo "make lint   - ruff"
	@echo "make outbox - deliver queued demo emails as .eml files into instance/outbox/"
	@echo "make bench  - benchmarks (query counts of the public pages, availability)"
	@echo "make bench-pages - req/s of the public pages and bookings/s under gunicorn (needs wrk, PostgreSQL, Redis)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamps re-run pip only when a requirements file changed.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: export CLINICSITE_ENV ?= development
run: $(VENV)/.runtime
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo ""
	@echo "  Site:        http://127.0.0.1:8000"
	@echo "  Staff login: http://127.0.0.1:8000/staff/login  owner@example.com / clinic-demo-2026"
	@echo ""
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# One pytest-xdist worker per core; each worker has its own database (tests/conftest.py).
# PYTEST_ARGS adds to the command line (CI: which tests, the slowest listed).
test: $(VENV)/.dev
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check clinicsite tests bench wsgi.py gunicorn.conf.py

outbox: export CLINICSITE_ENV ?= development
outbox: $(VENV)/.runtime
	$(FLASK) reminders send
	$(FLASK) outbox send

bench: $(VENV)/.dev
	$(BIN)/python -m bench.query_counts
	$(BIN)/python -m bench.availability

# Production's gunicorn settings on SQLite, PostgreSQL and the large PostgreSQL set; see bench/README.md.
bench-pages: $(VENV)/.dev
	$(BIN)/python -m bench.pages --gzip

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
