# The two commands: `make run` and `make test`. Everything else is what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8050
CONFIG ?= config/demo.toml
# The build is redone when any of its inputs is newer than the processed data.
BUILD_INPUTS := $(CONFIG) $(shell find data/demo -type f 2>/dev/null) $(wildcard survey/*.py)

.PHONY: run test build demo-data browser clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

data/processed/manifest.json: $(VENV)/.installed $(BUILD_INPUTS)
	$(PY) -m survey build --config $(CONFIG)

build: data/processed/manifest.json

run: build
	@echo "Trygghetskartan: http://$(HOST):$(PORT)"
	$(VENV)/bin/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) app:server

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

test: $(VENV)/.installed-dev browser build
	$(PY) -m pytest

clean:
	rm -rf data/builds data/processed $(VENV)
