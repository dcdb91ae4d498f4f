# Two commands do all the set-up on a fresh machine (Python 3.11 + package registries):
#   make demo   bootstrap .venv, generate the embedded sample corpus, run the toolkit on it
#   make test   bootstrap .venv and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := demo_out
SAMPLE := $(DEMO)/sample
# CPU build of torch first: openai-whisper would otherwise pull several GB of CUDA packages.
TORCH_PIN := torch==2.13.0

.PHONY: venv demo test test-fast bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel
	$(BIN)/python -m pip install -q $(TORCH_PIN)
	$(BIN)/python -m pip install -q -e ".[all]"
	$(BIN)/python -m pip check
	touch $@

demo: $(STAMP)
	rm -rf $(SAMPLE)
	$(BIN)/alloava synth $(SAMPLE) --clips 12 --seed 0
	$(BIN)/alloava validate $(SAMPLE)
	$(BIN)/alloava convert $(SAMPLE)
	$(BIN)/alloava stats $(SAMPLE) --json > $(DEMO)/stats.json
	$(BIN)/alloava stats $(SAMPLE) --quiet
	$(BIN)/alloava correlate $(SAMPLE) --json > $(DEMO)/correlate.json
	$(BIN)/alloava correlate $(SAMPLE) --quiet
	mkdir -p $(DEMO)/notebooks
	for nb in notebooks/[0-9][0-9]_*.ipynb; do \
	  $(BIN)/papermill -k python3 --no-progress-bar "$$nb" "$(DEMO)/notebooks/$$(basename $$nb)" \
	    -p corpus_dir "$(CURDIR)/$(SAMPLE)" || exit 1; done
	@echo "demo outputs in $(DEMO)/: sample corpus, stats.json, correlate.json, executed notebooks"

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow"

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(DEMO) .pytest_cache
