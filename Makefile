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
	$(BIN)/alloava synth $(SAMPLE) --clips 12 --seed 0
	$(BIN)/alloava validate $(SAMPLE)
	$(BIN)/alloava convert $(SAMPLE)
	$(BIN)/alloava stats $(SAMPLE)
	@echo "demo outputs in $(DEMO)/"

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow"

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(DEMO) .pytest_cache
