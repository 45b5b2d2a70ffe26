# `make brief` and `make test` do all the set-up on a fresh machine: a virtual environment in .venv,
# PyTorch (CPU build where there is no GPU), then this project and its dependencies.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install brief test bench clean

install: $(STAMP)

$(STAMP): pyproject.toml scripts/install-torch.sh
	$(PYTHON) -m venv $(VENV)
	scripts/install-torch.sh $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

brief: $(STAMP)
	$(BIN)/summarizer brief seeds/ --out results/ --pull

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python bench/ingest_speed.py
	$(BIN)/python bench/grouping_quality.py
	$(BIN)/python bench/grouping_speed.py
	$(BIN)/python bench/clean_quality.py
	$(BIN)/python bench/faithfulness.py
	$(BIN)/python bench/translate_speed.py
	$(BIN)/python bench/vmap_agreement.py
	$(BIN)/python bench/translate_throughput.py
	$(BIN)/python bench/summary_quality.py
	$(BIN)/python bench/summary_speed.py
	$(BIN)/python bench/brief_speed.py
	$(BIN)/python bench/brief_memory.py
	$(BIN)/python bench/compare_quality.py
	$(BIN)/python bench/fetch_speed.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
