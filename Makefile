# Chi bộ: `make run` serves a development site, `make test` runs the test suite.
# Every setup step is idempotent; stamp files make reinstalls happen only when
# requirements*.txt or package*.json change.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(PY) -m pip --disable-pip-version-check --quiet
VAR_DIR := $(or $(CHIBO_VAR_DIR),var)
PYTEST_ARGS ?=

# Debian packages: gettext (msgfmt), the PDF renderer's libraries, TeX Gyre Termes (the documents'
# one typeface with every Vietnamese letter; fontconfig finds it) and the pages' fonts; the
# tests also need chromium for the browser tests.
SYSTEM_PACKAGES := gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-texgyre fontconfig fonts-liberation fonts-dejavu-core
SYSTEM_PACKAGES_TEST := $(SYSTEM_PACKAGES) chromium

RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
NPM_STAMP := node_modules/.installed

.PHONY: help run test e2e lint format setup setup-dev system system-test npm var messages migrate seed clean

help:
	@echo "make run     serve http://127.0.0.1:8000 with one Celery worker (and beat); Ctrl-C stops both"
	@echo "make test    run the whole test suite (SQLite and a filesystem broker unless DATABASE_URL/CELERY_BROKER_URL are set)"
	@echo "make e2e     run only the browser tests (tests/e2e)"
	@echo "make lint    ruff check, ruff format --check and import-linter (lint-imports)"
	@echo "make format  apply ruff's fixes and formatting"
	@echo "make clean   remove the virtualenv and the npm stamp (keeps var/ with your data)"

# --- Setup ---------------------------------------------------------------------

# Installs the missing Debian packages (as root, with apt-get); otherwise says what to install.
define install_debian
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing </dev/null; \
	else \
		echo "Please install these Debian packages: sudo apt-get install $$missing"; \
	fi
endef

system:
	$(call install_debian,$(SYSTEM_PACKAGES))

system-test:
	$(call install_debian,$(SYSTEM_PACKAGES_TEST))

$(PY):
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PIP) install -r requirements.txt
	@touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -r requirements-dev.txt
	@touch $@ $(RUNTIME_STAMP)

# npm ci installs exactly what package-lock.json says; without a lock file, npm
# install writes one (commit it).
$(NPM_STAMP): package.json $(wildcard package-lock.json)
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	@touch $@

# Bootstrap from its Sass sources, keeping only the rules the templates, apps and scripts use,
# and the service worker and the offline script bundled with Workbox and idb-keyval (package.json
# "build": esbuild, sass, then purgecss). Rebuilt when any of their sources changes.
CSS_BUILD := static/build/bootstrap.css
JS_BUILD := static/build/sw.js static/build/offline.js
CSS_INPUTS := assets/bootstrap.scss purgecss.config.cjs $(wildcard assets/*.js) $(shell find templates chibo oversight demo meetings accounts members notifications petitions portal workdays static/js -name '*.html' -o -name '*.py' -o -name '*.js' 2>/dev/null)

$(CSS_BUILD) $(JS_BUILD) &: $(NPM_STAMP) $(CSS_INPUTS)
	npm run --silent build

npm: $(NPM_STAMP) $(CSS_BUILD) $(JS_BUILD)

var:
	@mkdir -p $(VAR_DIR)/celery/queue $(VAR_DIR)/celery/processed $(VAR_DIR)/celery/control $(VAR_DIR)/mail $(VAR_DIR)/media

# Compiles locale/*.po when there is a locale folder and gettext's msgfmt.
messages: | $(PY)
	@if [ -d locale ] && command -v msgfmt >/dev/null; then \
		$(PY) manage.py compilemessages --ignore '.venv' --ignore 'node_modules' --ignore 'var' -v 0; \
	elif [ -d locale ]; then \
		echo "msgfmt not found (install gettext): pages stay in English"; \
	fi

setup: system $(RUNTIME_STAMP) npm var messages

setup-dev: system-test $(DEV_STAMP) npm var messages

migrate: setup
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# --- Run -----------------------------------------------------------------------

# The site and one worker (with beat) in one foreground command. The worker, started without
# -Q, consumes both the default queue and notifications.dispatch_due's own (CELERY_TASK_QUEUES). Both start in
# process groups of their own (set -m) and this shell stops them: on Ctrl-C, on
# `kill`, or when either one exits. The worker gets TERM and shuts down its pool
# and beat itself; runserver's group includes its autoreloader child.
run: seed
	@echo "Serving http://127.0.0.1:8000 with one Celery worker and beat. Ctrl-C stops both."
	@set -m; \
	trap 'trap - INT TERM EXIT; kill -TERM $$worker -$$web 2>/dev/null; wait' INT TERM EXIT; \
	$(BIN)/celery -A chibo worker -B -l info --concurrency 1 </dev/null & worker=$$!; \
	$(PY) manage.py runserver 127.0.0.1:8000 </dev/null & web=$$!; \
	set +m; \
	wait -n

# --- Checks --------------------------------------------------------------------

test: setup-dev
	$(PY) -m pytest $(PYTEST_ARGS)

e2e: setup-dev
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) $(NPM_STAMP)
