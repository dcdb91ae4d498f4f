# Two commands do all the set-up on a fresh machine (Python 3.11 + package registries):
#   make demo   bootstrap .venv, make (or reuse) the embedded sample, run every notebook into reports/
#   make test   bootstrap .venv and run the whole test suite
# After changing the synthetic generator: make sample-registry, then commit the registry.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
REPORTS ?= reports
# CPU build of torch first: openai-whisper would otherwise pull several GB of CUDA packages.
TORCH_PIN := torch==2.13.0
# movement >= 0.17 (dims `keypoint`, `individual`) needs Python >= 3.12 while the project stays on 3.11
# (CPU torch build): `make test` builds a side environment in which a test runs real movement functions
# on pose files our code wrote (tests/integration/test_movement_interop.py).
PYTHON312 ?= $(shell for p in python3.12 python3.13 $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3; do \
  $$p -c 'import sys; assert sys.version_info >= (3, 12); print(sys.executable)' 2>/dev/null && break; done)
MOVEMENT_VENV  := .venv-movement
MOVEMENT_STAMP := $(MOVEMENT_VENV)/.installed

.PHONY: venv demo lab lint test test-fast bench clean sample sample-registry .venv-movement browser

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel
	$(BIN)/python -m pip install -q $(TORCH_PIN)
	$(BIN)/python -m pip install -q -e ".[all]"
	$(BIN)/python -m pip check
	touch $@

.venv-movement: $(MOVEMENT_STAMP)

$(MOVEMENT_STAMP): tests/movement_env/requirements.txt
	@if [ -z "$(PYTHON312)" ]; then echo "warning: no Python >= 3.12 found, so no $(MOVEMENT_VENV): the movement" \
	  "interop test will skip (and fail when CI=true); make PYTHON312=/path/to/python3.12 to build it" >&2; exit 0; fi; \
	set -e; $(PYTHON312) -m venv $(MOVEMENT_VENV); \
	$(MOVEMENT_VENV)/bin/python -m pip install -q --upgrade pip; \
	$(MOVEMENT_VENV)/bin/python -m pip install -q -r tests/movement_env/requirements.txt; \
	$(MOVEMENT_VENV)/bin/python -m pip check; \
	touch $@

# The embedded sample: cached in $$ALLOAVA_DATA_DIR (default ~/.cache/alloava_analysis), checked against
# alloava_analysis/data/sample_registry.txt and regenerated when missing or changed.
sample: $(STAMP)
	$(BIN)/python -m alloava_analysis.sample_data

sample-registry: $(STAMP)
	$(BIN)/python scripts/make_sample_registry.py

# Every notebook (and the alloava commands) on the embedded sample -> $(REPORTS)/index.html + HTML reports.
demo: $(STAMP)
	$(BIN)/python -m alloava_analysis.demo --out $(REPORTS)

# JupyterLab opened on START_HERE.md, rendered (Markdown Preview: with jupytext installed, .md opened as
# source); --allow-root when run as root (as in containers), which jupyter refuses otherwise
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
lab: $(STAMP)
	@test -f $(LAB_SETTINGS) || { mkdir -p $(dir $(LAB_SETTINGS)) && echo '{"@jupyterlab/docmanager-extension:plugin":' \
	  '{"defaultViewers": {"markdown": "Markdown Preview"}}}' > $(LAB_SETTINGS); }
	$(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) START_HERE.md

# One pytest-xdist worker per core, whole test files per worker (module fixtures built once): about 11 min
# on 2 cores instead of about 20 serially. PYTEST_WORKERS=0 runs the suite in one process.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider -n $(PYTEST_WORKERS) --dist loadfile -rs

# Debian's chromium for the browser test of the interactive player (tests/unit/plots/test_interactive.py);
# installed when missing and this runs as root with apt-get, else that test skips (and fails when CI=true).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	  else echo "warning: no chromium, and installing it needs root and apt-get: the browser test will skip" >&2; fi

# ruff first (seconds): a lint or docstring regression fails the test command, and so CI
lint: $(STAMP)
	$(BIN)/ruff check alloava_analysis tests benchmarks scripts

test: $(STAMP) $(MOVEMENT_STAMP) browser lint
	$(PYTEST)

test-fast: $(STAMP) lint
	$(PYTEST) -m "not slow"

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(REPORTS) .pytest_cache
