# memberarea — the two commands of the README, plus the tools behind them.
# Every target bootstraps .venv itself from the locked requirements (hash-checked).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0
CHROMIUM := /usr/bin/chromium
PYTEST_WORKERS ?= 2
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in the demo's emails and SMS follow the address served (PUBLIC_BASE_URL, when set, wins);
# on a wildcard HOST each request's own origin is used instead (core/links.py).
DEMO_BASE_URL := $(if $(filter 0.0.0.0 ::,$(HOST)),,http://$(HOST):$(PORT))

.PHONY: run test test-sqlite test-postgres test-resilience lint format messages keys lock bench clean mutants

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/dev.txt
	touch $@ $(VENV)/.base-installed

messages: $(VENV)/.base-installed
	@command -v msgfmt >/dev/null || { echo "gettext (msgfmt) is missing: apt-get install -y gettext"; exit 1; }
	@$(BIN)/python manage.py compilemessages -v 0 --ignore=.venv

## run: the whole product on this machine (SQLite, development outbox, demo data, web + worker)
run: $(VENV)/.base-installed messages widgets
	@mkdir -p var
	@$(BIN)/python manage.py migrate -v 0
	@PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-$(DEMO_BASE_URL)}" $(BIN)/python manage.py demo_load
	@echo ""
	@echo "  memberarea is starting (demo mode, SQLite in var/)"
	@echo "  Portal:        http://$(HOST):$(PORT)/"
	@echo "  Help:          http://$(HOST):$(PORT)/help/"
	@echo "  Dev outbox:    http://$(HOST):$(PORT)/dev/outbox  (every email and SMS of the demo lands here)"
	@echo "  API document:  http://$(HOST):$(PORT)/api/v1/openapi.json"
	@echo "  Health:        http://$(HOST):$(PORT)/health  ·  http://$(HOST):$(PORT)/ready"
	@echo "  Stop with Ctrl+C (stops the web server and the worker)."
	@echo ""
	@export PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-$(DEMO_BASE_URL)}"; \
	  trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py worker & WORKER=$$!; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT) --noreload

## test: lint, the suite on SQLite, then on PostgreSQL + Redis (with the browser tests), then the resilience drills (reduced)
test: $(VENV)/.dev-installed messages chromium lint
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres
	@$(MAKE) --no-print-directory test-resilience

test-sqlite: $(VENV)/.dev-installed messages widgets
	@echo "== tests on SQLite (browser tests and the fuzz run in the PostgreSQL pass)"
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest -q -n $(PYTEST_WORKERS) -m "not browser and not resilience and not fuzz"

test-postgres: $(VENV)/.dev-installed messages chromium widgets
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432 (see docs/development.md)"; exit 1; }
	@$(BIN)/python -c "import redis,sys; redis.Redis.from_url('$(REDIS_TEST_URL)').ping()" || { echo "Redis is not reachable at $(REDIS_TEST_URL)"; exit 1; }
	@echo "== tests on PostgreSQL + Redis"
	DATABASE_URL=$(PG_TEST_URL) REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest -q -n $(PYTEST_WORKERS) -m "not resilience"

## test-resilience: the resilience drills at the reduced size (what `make test` runs; 3–4 minutes)
test-resilience:
	@$(MAKE) --no-print-directory resilience RESILIENCE_SIZE=reduced

## resilience: REL-3 faults, REL-5 timing and REL-9 scale-out on private PostgreSQL and Redis instances,
## nginx in front of two gunicorns (docs/operations.md "Resilience drills"); RESILIENCE_SIZE=full for the bars' sizes.
## The machine's shared PostgreSQL and Redis are never stopped: each drill starts its own on free ports.
RESILIENCE_SIZE ?= reduced
resilience: $(VENV)/.dev-installed messages nginx
	@command -v redis-server >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { echo "the drills need redis-server and PostgreSQL's initdb/pg_ctl (apt-get install -y redis-server postgresql)"; exit 1; }
	@echo "== resilience drills ($(RESILIENCE_SIZE) size): private PostgreSQL and Redis, nginx, gunicorn, workers"
	env -u DATABASE_URL -u REDIS_URL RESILIENCE_SIZE=$(RESILIENCE_SIZE) $(BIN)/pytest -q -p no:xdist -p no:randomly -m resilience tests/resilience

## nginx: Debian's nginx for the scale-out drill (installed when missing and root, like chromium)
NGINX := /usr/sbin/nginx
.PHONY: nginx resilience
nginx:
	@if [ ! -x $(NGINX) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's nginx-light for the scale-out drill"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
	  fi; \
	fi
	@[ -x $(NGINX) ] || { echo "$(NGINX) is missing: run 'apt-get install -y nginx-light' as root"; exit 1; }

.PHONY: chromium
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  fi; \
	fi
	@[ -x $(CHROMIUM) ] || { echo "$(CHROMIUM) is missing: run 'apt-get install -y chromium' as root"; exit 1; }

## widgets: the captcha widget from npm (pinned in package-lock.json), copied into the static files
WIDGET_DIR := src/memberarea/web/static/vendor/altcha
.PHONY: widgets
widgets: node_modules/altcha
	@mkdir -p $(WIDGET_DIR)
	@cp node_modules/altcha/dist_external/altcha.js node_modules/altcha/dist_external/altcha.css \
	  node_modules/altcha/dist_external/worker.js node_modules/altcha/LICENSE.txt $(WIDGET_DIR)/

node_modules/altcha: package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: run 'apt-get install -y npm' (it fetches the captcha widget)"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --omit=optional
	@touch $@

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests bench manage.py
	$(BIN)/ruff format --check src tests bench manage.py
	PYTHONPATH=src $(BIN)/lint-imports
	$(BIN)/mypy src/memberarea
	$(BIN)/bandit -q -r src -x '*/migrations/*'

format: $(VENV)/.dev-installed
	$(BIN)/ruff format src tests bench manage.py
	$(BIN)/ruff check --fix src tests bench manage.py

## mutants: mutation testing of the access check, codes, sessions and lock-outs (slow, not in CI; docs/development.md)
mutants: $(VENV)/.dev-installed messages
	@mkdir -p var/mutants
	MEMBERAREA_VAR_DIR=$(CURDIR)/var/mutants nice -n 10 $(BIN)/mutmut run --max-children $(PYTEST_WORKERS)
	@$(BIN)/mutmut results
	@$(BIN)/mutmut export-cicd-stats >/dev/null
	@$(BIN)/python -c "import json; s = json.load(open('mutants/mutmut-cicd-stats.json')); \
	  print(f\"mutation score: {s['killed']} killed / {s['total']} mutants ({s['survived']} survived, {s['timeout']} timed out, {s['no_tests']} without tests)\")"

## keys: print a fresh set of production keys (see docs/operations.md)
keys: $(VENV)/.base-installed
	@PYTHONPATH=src $(BIN)/python -c "from memberarea.settings.env import new_key as k; print(f'SECRET_KEY={k()}{k()}'); print(f'FIELD_ENCRYPTION_KEYS={k()}'); print(f'BLIND_INDEX_KEY={k()}'); print(f'AUDIT_KEY={k()}')"

## lock: re-resolve the pinned requirements after editing requirements/*.in
lock: $(VENV)/.dev-installed
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o requirements/base.txt requirements/base.in
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o requirements/dev.txt requirements/dev.in

## bench: the quality bars' figures as ratios measured in one run (docs/performance.md)
bench: $(VENV)/.dev-installed messages
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
