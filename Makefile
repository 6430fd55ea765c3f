# The two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench-api requirements permissions-doc clean

$(STAMP): requirements/dev.txt pyproject.toml
	@scripts/bootstrap.sh "$(PYTHON)" "$(VENV)"
	@# Pango and a font for WeasyPrint's PDF export.
	@scripts/ensure-packages.sh libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/courzly run

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

bench-api: $(STAMP)
	@scripts/ensure-packages.sh wrk
	$(BIN)/python bench/api.py $(BENCH_ARGS)

# Recompile pinned requirements after changing pyproject.toml (no index URLs recorded).
requirements: $(STAMP)
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras \
		--allow-unsafe -o requirements/main.txt pyproject.toml
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras \
		--allow-unsafe --extra dev -o requirements/dev.txt pyproject.toml

permissions-doc: $(STAMP)
	$(BIN)/courzly permissions-doc

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

# Workflow benchmark: parallel lesson generation and a burst of runs (bench/README.md).
.PHONY: bench-workflow
bench-workflow: $(STAMP)
	$(BIN)/python bench/workflow.py $(BENCH_ARGS)

# WebSocket benchmark: 1,000 clients on one course, event delivery latency (bench/README.md).
.PHONY: bench-ws
bench-ws: $(STAMP)
	$(BIN)/python bench/ws.py $(BENCH_ARGS)

# Export benchmark: a 50-lesson course rendered to every format (bench/README.md).
.PHONY: bench-exports
bench-exports: $(STAMP)
	$(BIN)/python bench/exports.py $(BENCH_ARGS)
