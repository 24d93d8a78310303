# tenderflow: `make run` serves the app with demo data; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Test processes for the integration suite's parallel part (one module each at a time).
JOBS ?= 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test bootstrap database lint typecheck test-unit test-integration test-e2e lock clean

run: bootstrap database
	$(BIN)/tenderflow run --host $(HOST) --port $(PORT)

test: bootstrap lint typecheck test-unit test-integration test-e2e

bootstrap: $(VENV)/.installed static/govuk/.copied

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# GOV.UK Frontend comes from the pinned npm package; the build copies what the pages need.
static/govuk/.copied: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/govuk && mkdir -p static/govuk
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css \
	   node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/govuk/
	cp -r node_modules/govuk-frontend/dist/govuk/assets static/govuk/assets
	touch $@

database: bootstrap
	$(BIN)/tenderflow db upgrade
	$(BIN)/tenderflow demo load --if-empty

lint: bootstrap
	$(BIN)/ruff check tenderflow workflows tests benchmarks

typecheck: bootstrap
	$(BIN)/mypy tenderflow/domain

test-unit: bootstrap
	$(BIN)/python -m pytest tests/unit -q

test-integration: bootstrap
	scripts/ensure-system-packages libreoffice poppler
	$(BIN)/python -m pytest tests/integration -q -m "not alone" -n $(JOBS) --dist loadfile
	$(BIN)/python -m pytest tests/integration -q -m alone

test-e2e: bootstrap
	scripts/ensure-system-packages chromium
	$(BIN)/python -m pytest tests/e2e -q

# Re-resolve the pinned versions from pyproject.toml into requirements.lock.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -e ".[dev]"
	{ echo "# Exact versions of every dependency (direct ones are listed in pyproject.toml)."; \
	  echo "# Regenerate with: make lock"; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^tenderflow' \
	  | sed "s/^SQLAlchemy==.*/&  # below 2.1: Prefect 3.8.8's scheduler fails under SQLAlchemy 2.1 (see pyproject.toml)/"; \
	} > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules static/govuk .pytest_cache .mypy_cache .ruff_cache
