# SameStory: `make` builds the release, `make test` runs every test. Both work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VERSION = $(shell $(BIN)/python -c 'from samestory.version import DATASET_VERSION as v; print(v)')

.PHONY: all venv install validate build card test test-deps bench clean

all: install validate build
	@echo
	@echo "Release: $(CURDIR)/build/samestory-v$(VERSION)"
	@echo "Load it with:"
	@echo "  from datasets import load_dataset"
	@echo "  docs = load_dataset(\"build/samestory-v$(VERSION)\", \"documents\", split=\"test\")"

# The venv is made once; re-running make never recreates it.
venv: $(BIN)/python
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Stamps re-run pip only when pyproject.toml changes.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	@touch $@
$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

install: $(VENV)/.installed

validate: install
	$(BIN)/samestory validate

build: validate
	$(BIN)/samestory build

card: install
	$(BIN)/samestory card

# System packages the tests need (Debian): headless Chromium for the browser tests.
test-deps:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }

test: $(VENV)/.installed-test test-deps
	HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 $(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/bench_build.py

clean:
	rm -rf build .pytest_cache
