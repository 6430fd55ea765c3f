# The two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench-api requirements permissions-doc clean
.PHONY: web-build web-test api-client
WEB := frontend
WEB_STAMP := $(WEB)/node_modules/.installed

$(STAMP): requirements/dev.txt pyproject.toml
	@scripts/bootstrap.sh "$(PYTHON)" "$(VENV)"
	@# Pango and a font for WeasyPrint's PDF export.
	@scripts/ensure-packages.sh libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

run: $(STAMP) web-build
	$(BIN)/courzly run

# The web app first: the browser tests in pytest drive its build.
test: lint typecheck web-test pytest

$(WEB_STAMP): $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error
	@touch $(WEB_STAMP)

web-build: $(WEB_STAMP)
	cd $(WEB) && npm run build

# Types, unit tests, the production build and its size budget, and a current API client.
web-test: $(WEB_STAMP)
	cd $(WEB) && npm run typecheck && npm test && npm run build && npm run check:size
	cd $(WEB) && node scripts/check-api-client.mjs

# Regenerate the web app's API client after changing the API.
api-client: $(STAMP) $(WEB_STAMP)
	$(BIN)/courzly openapi
	cd $(WEB) && npm run gen:api

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# The real checkers the config tests run: shellcheck, promtool, amtool, and the exporters
# and mtail whose metric names the dashboards and rules are checked against.
MONITORING_PACKAGES := prometheus prometheus-alertmanager prometheus-node-exporter \
	prometheus-postgres-exporter prometheus-redis-exporter prometheus-blackbox-exporter mtail
# pgBackRest and PostgreSQL 15 for the backup tests, nginx as their S3 TLS proxy, and
# libfaketime to age a backup past its retention, systemd-analyze for the timers.
BACKUP_PACKAGES := pgbackrest postgresql-15 nginx faketime openssl systemd
# The tools the Ansible tests check the roles' files with, the chroot they converge, and
# pebble for certbot; installed without starting their services on this machine.
ANSIBLE_PACKAGES := openssh-server fail2ban python3-systemd ufw sudo certbot pebble debootstrap \
	logrotate
pytest: $(STAMP)
	@scripts/ensure-packages.sh --no-start shellcheck $(MONITORING_PACKAGES) $(BACKUP_PACKAGES) \
		$(ANSIBLE_PACKAGES)
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
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(WEB)/node_modules $(WEB)/dist

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

# Webhook outbox: delivered messages/s against plain signed POSTs, and commit-to-arrival.
.PHONY: bench-webhooks
bench-webhooks: $(STAMP)
	$(BIN)/python -m bench.webhooks $(BENCH_ARGS)

# Restore drill (docs/backup-policy.md). With BACKUP_S3_BUCKET set (an installation's
# repository): `courzly backup drill` against DATABASE_URL. Without it: the same drill end
# to end on this machine (a seeded PostgreSQL 15, its S3 repository on moto behind TLS),
# with its report kept in backups/reports/.
.PHONY: drill
drill: $(STAMP)
	@scripts/ensure-packages.sh $(BACKUP_PACKAGES)
	@if [ -n "$$BACKUP_S3_BUCKET" ]; then $(BIN)/courzly backup drill; \
	else COURZLY_DRILL_REPORTS="$(CURDIR)/backups/reports" $(BIN)/pytest -q -p no:randomly \
		tests/backups/test_drill.py; fi

# Restore benchmark: a 1 GB database back from the S3 repository, MB/s and the implied RTO.
.PHONY: bench-restore
bench-restore: $(STAMP)
	@scripts/ensure-packages.sh $(BACKUP_PACKAGES)
	$(BIN)/python -m bench.restore $(BENCH_ARGS)
