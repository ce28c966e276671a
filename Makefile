# `make lab` and `make test` are all a fresh machine needs (see README.md).
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# JupyterLab refuses to start as root unless told it may.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab test test-lowest assign execute bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,cluster]"
	touch $@

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG)

test: $(STAMP)
	$(BIN)/coursekit assign --check
	$(BIN)/python -m pytest

# The whole suite against the lowest versions pyproject.toml declares.
test-lowest:
	$(PYTHON) -m venv .venv-lowest
	.venv-lowest/bin/python -m pip install --quiet --upgrade pip
	.venv-lowest/bin/python -m pip install --quiet -r tests/lowest-versions.txt -e .
	PATH="$(CURDIR)/.venv-lowest/bin:$$PATH" .venv-lowest/bin/python -m pytest

# Regenerate the student notebooks from solutions/.
assign: $(STAMP)
	$(BIN)/coursekit assign

# Re-execute every solution in place (fresh outputs), then regenerate notebooks/.
execute: $(STAMP)
	$(BIN)/coursekit execute solutions/*.ipynb
	$(BIN)/coursekit assign

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .venv-lowest build *.egg-info
