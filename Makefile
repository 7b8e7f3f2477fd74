# The README's two commands: `make run` and `make test`. Both set up .venv on first use.
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
# Candidates for a Python >= 3.12, in order; `make PYTHON=/path/to/python3.12` picks one.
PYTHONS := $(PYTHON) python3.13 python3.12 python3 python

# The Markdown files with generated output blocks (cog markers; docs/cog_helpers.py runs the
# real commands): `make docs` rewrites the blocks, `make test` fails when one is stale.
DOCS    := README.md docs/hr.md docs/experiments.md docs/mesa.md
COG     := $(BIN)/cog -I docs

.PHONY: run test lint docs bench clean help

help:
	@echo "make run    run the default scenario (program vs baseline) and print the table"
	@echo "make test   lint (ruff), the layer contracts (import-linter), the docs' output blocks"
	@echo "            (cog --check) and the test suite"
	@echo "make docs   rerun the commands behind the docs' output blocks and rewrite them"
	@echo "make bench  run the performance benchmarks"
	@echo "make clean  remove .venv and caches"

$(STAMP): pyproject.toml constraints.txt
	@if [ ! -x $(BIN)/python ]; then \
	  found=""; \
	  for c in $(PYTHONS); do \
	    if command -v $$c >/dev/null 2>&1 && \
	       $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	      found=$$c; break; fi; \
	  done; \
	  if [ -z "$$found" ]; then \
	    echo "error: no Python >= 3.12 found on PATH (tried: $(PYTHONS))."; \
	    echo "Install Python 3.12 or newer, or point to one: make PYTHON=/path/to/python3.12"; \
	    exit 1; \
	  fi; \
	  echo "Creating $(VENV) with $$(command -v $$found) ($$($$found --version 2>&1))"; \
	  $$found -m venv $(VENV) || exit 1; \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/sim run

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(COG) --check --diff --check-fail-msg "run 'make docs' to regenerate them" $(DOCS)
	$(BIN)/python -m pytest -q -n auto

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

docs: $(STAMP)
	$(COG) -r $(DOCS)

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
