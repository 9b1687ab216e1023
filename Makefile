# The two commands: `make run` and `make test`. Everything else is what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8050
CONFIG ?= config/demo.toml
# `make test` runs the test files on this many processes (pytest-xdist; one file stays on one process: its
# servers and browser are started once). Most of the suite waits on servers and Chromium, so 2 on 2 cores halves it.
TEST_WORKERS ?= 2
# The build is redone when any of its inputs is newer than the processed data.
BUILD_INPUTS := $(CONFIG) $(shell find data/demo survey -type f -name "*.py" -o -type f -path "data/demo/*" 2>/dev/null)

.PHONY: plotly-bundle serve-lan run test lint build demo-data browser clean translations audit servers precompress bench bench-national

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --editable .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed-dev requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@

data/processed/manifest.json: $(VENV)/.installed $(BUILD_INPUTS)
	$(PY) -m survey build --config $(CONFIG)

build: data/processed/manifest.json

run: build precompress
	@echo "Trygghetskartan: http://$(HOST):$(PORT)"
	$(VENV)/bin/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) app:server

# On a network (the meeting: phones on the village hall's wifi): the app behind the shipped nginx on 0.0.0.0
# (deploy/nginx.conf times out slow clients; gunicorn itself stays on loopback). Needs nginx (make servers).
serve-lan: build precompress servers
	@echo "Trygghetskartan on the network: http://<this machine's address>:$(PORT) (Ctrl-C stops it)"
	$(PY) -m deploy.cluster --listen 0.0.0.0 --port $(PORT) --instances 1 --workers $${WEB_CONCURRENCY:-4} --no-redis

# plotly.js with only the traces the page draws (assets/plotly/, committed; only needed when plotly is upgraded).
plotly-bundle:
	cd tools/plotly_bundle && npm ci --no-audit --no-fund --ignore-scripts && node build.js

# Regenerate the demo inputs (committed; only needed when their generators change).
demo-data: $(VENV)/.installed
	$(PY) -m survey.demo_areas
	$(PY) -m survey.demo

# Debian's Chromium and its driver for the browser tests: installed when missing and we are root.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else \
		echo "Browser tests need Chromium: run 'sudo apt-get install chromium chromium-driver' and try again."; exit 1; \
	fi

# The interface's gettext catalogs are compiled from translations/*/LC_MESSAGES/messages.po when the app starts
# (translations/__init__.py); this writes the .mo files too, for tools that want them.
translations: $(VENV)/.installed
	$(PY) -m translations

# nginx and Redis for the scaling-out setup and its test (deploy/, tests/server/test_nginx.py), PostgreSQL for the
# promises' database tests (tests/medborgarlofte/): installed when missing and we are root; otherwise those tests
# are skipped and say why.
servers:
	@if command -v nginx >/dev/null && command -v redis-server >/dev/null \
		&& { command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light redis-server \
			postgresql >/dev/null; \
	else \
		echo "The nginx and PostgreSQL tests need them: run 'sudo apt-get install nginx-light redis-server postgresql' (skipped meanwhile)."; \
	fi

# The script bundles compressed once at brotli's best (web/static.py; the copies live in .cache/precompressed).
precompress: $(VENV)/.installed
	$(PY) -m web.static precompress

# Style and the layering (pyproject.toml: ruff, and import-linter's contracts); `make test` runs it first.
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo --no-cache

test: lint $(VENV)/.installed-dev browser servers build
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

# The benchmark (bench/README.md): the app against the naive reference on the demo, one table. About 4 minutes.
bench: $(VENV)/.installed-bench browser precompress
	$(PY) -m bench.run --scale municipal

# The same at national scale (1,000,000 respondents, 6,000 areas; the data is generated into bench/output/), without
# the Chromium step (6,000 polygons drawn in software take minutes per change; bench/README.md).
bench-national: $(VENV)/.installed-bench browser precompress
	$(PY) -m bench.run --scale national --no-browser

# Known vulnerabilities in every installed package (runtime, test and their dependencies), from the PyPI/OSV
# advisory database: needs the network, so it is not part of `make test`. Exit status 1 when one is found.
audit: $(VENV)/.installed-dev
	$(PY) -m pip install --quiet -r requirements-audit.txt
	$(PY) -m pip_audit --strict --progress-spinner off --skip-editable

clean:
	rm -rf data/builds data/processed $(VENV)
