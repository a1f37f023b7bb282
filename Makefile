# bereikbaar — the two commands: `make demo` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: demo test test-sqlite test-postgres bench lint format setup system-deps clean

demo: setup
	$(BIN)/bereikbaar demo --port 8000

test: setup system-deps
	bash scripts/test.sh

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/http_floor.py
	$(BIN)/python bench/signals_eval.py
	$(BIN)/python bench/similar_eval.py
	$(BIN)/python bench/search_eval.py
	$(BIN)/python bench/routing_bench.py
	$(BIN)/python bench/identity_bench.py
	$(BIN)/python bench/email_ingest.py
	$(BIN)/python bench/whatsapp_ingest.py
	$(BIN)/python bench/twilio_ingest.py
	$(BIN)/python bench/inbox_load.py
	$(BIN)/python bench/cti_latency.py
	$(BIN)/python bench/widget_latency.py

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: setup
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "bereikbaar needs Python 3.11 or newer as '$(PYTHON)' (try: make PYTHON=python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

# Chromium (browser tests), PostgreSQL and Redis (scale-out run): installed when we are root on
# Debian and they are missing; otherwise scripts/test.sh says what is missing and skips that part.
system-deps:
	@bash scripts/system-deps.sh

clean:
	rm -rf $(VENV) var bench/.peer bench/.work
