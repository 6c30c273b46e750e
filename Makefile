# SendFund: `make demo` runs the site on SQLite with demo data; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON := $(shell scripts/find-python.sh)
VENV := .venv
PY := $(VENV)/bin/python
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help setup fonts demo test test-fast lint check bench serve clean

help:
	@echo "make demo   set everything up and run the site at http://$(HOST):$(PORT) on SQLite with demo data"
	@echo "make test   set everything up (Chromium and the Noto fonts included) and run every test"
	@echo "make lint   ruff, layer contracts, types (mypy), missing migrations"
	@echo "make bench  run the benchmarks and rewrite bench/RESULTS.md and bench/RESULTS-web.md"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.synced node_modules/.installed

# Browser tests use Debian's Chromium (never a downloaded browser).
/usr/bin/chromium:
	@if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Install Chromium first: sudo apt-get install chromium" >&2; exit 1; fi

# PDF letters print names in any script people use: Debian's Noto fonts (Latin, Greek, Cyrillic, Arabic,
# Hebrew, Indic and other scripts; Chinese, Japanese and Korean; colour emoji). About 80 MB to download,
# once; nothing is installed when they are there already.
FONT_PACKAGES := fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji

fonts:
	@missing=$$(for p in $(FONT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "Install the fonts PDF letters use first: sudo apt-get install $$missing" >&2; exit 1; fi

# Links in emails and in the printed sign-in point where the demo runs (make demo PORT=8103).
DEMO_ENV = DJANGO_SETTINGS_MODULE=config.settings.dev SENDFUND_SITE_URL=$(or $(SENDFUND_SITE_URL),http://$(HOST):$(PORT))
demo: setup fonts
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEMO_ENV) $(PY) manage.py demo_setup
	$(DEMO_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: setup fonts /usr/bin/chromium
	$(PY) manage.py collectstatic --noinput -v0 --settings=config.settings.test
	$(PY) -m pytest -p no:cacheprovider -q -n 2 -rs $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings.test

bench: setup
	$(PY) bench/formula_bench.py --write bench/RESULTS.md
	scripts/ensure-postgres.sh
	$(PY) bench/web_bench.py --applications 3000 --applications 30000 --write bench/RESULTS-web.md

clean:
	rm -rf $(VENV) .tools node_modules staticfiles db.sqlite3*
