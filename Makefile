# sqmy-etl — two commands: `make demo` and `make test`. Everything else is
# bootstrapped here from the committed uv.lock on a machine that has only
# Python 3.11 (uv is installed with pip when missing).
SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
# byte-compile at install and keep .pyc files: Airflow, dbt and GX import thousands of modules
export UV_COMPILE_BYTECODE := 1
unexport PYTHONDONTWRITEBYTECODE
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False

UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced-$(shell cat uv.lock pyproject.toml 2>/dev/null | sha256sum | cut -c1-16)
MANIFEST := dbt/target/manifest.json

.PHONY: help demo test test-fast lint fmt bench bench-against fuzz manifest airflow-init sysdeps uv venv clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

$(STAMP): uv.lock pyproject.toml | uv
	$(UV) sync --frozen
	rm -f $(VENV)/.synced-*
	touch $@

venv: $(STAMP) ## create .venv from uv.lock

sysdeps: ## OS packages: a CJK font, harfbuzz-subset, poppler (installed with apt when missing)
	@bash scripts/sysdeps.sh

$(MANIFEST): venv $(shell find dbt/models dbt/seeds dbt/snapshots dbt/macros dbt/tests -type f 2>/dev/null) dbt/dbt_project.yml
	$(BIN)/python -m sqmy_etl.transform.manifest

manifest: $(MANIFEST) ## pre-build dbt/target/manifest.json for Cosmos

demo: venv sysdeps manifest ## generate 2021 data, run the pipeline, print the headline and the report
	$(BIN)/sqmy demo --airflow

test: venv sysdeps manifest ## the whole test suite (unit, integration on PostgreSQL+Redis, e2e)
	@$(BIN)/pytest; rc=$$?; [ $$rc -eq 5 ] && echo "pytest collected no tests" >&2 && exit 1; exit $$rc

test-fast: venv ## unit tests only
	$(BIN)/pytest tests/unit -x -q

lint: venv ## ruff + sqlfluff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd dbt && ../$(BIN)/sqlfluff lint models

fmt: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: venv sysdeps manifest ## benchmarks → bench/results/<date>-<machine>.json
	$(BIN)/python bench/run.py

bench-against: venv sysdeps manifest ## this checkout against REF=<commit>, alternating (bench/against.py)
	@test -n "$(REF)" || { echo "用法 / usage: make bench-against REF=<commit>" >&2; exit 2; }
	$(BIN)/python bench/against.py $(REF)

fuzz: venv ## longer fuzzing of the ledger readers
	SQMY_FUZZ_EXAMPLES=20000 $(BIN)/pytest tests -q -k fuzz

airflow-init: venv ## create Airflow pools, connections and variables (AIRFLOW_HOME from env)
	$(BIN)/python -m sqmy_etl.orchestration.init

clean:
	rm -rf $(VENV) sqmy-home dbt/target dbt/logs
