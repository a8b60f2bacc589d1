# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# editable_mode=compat: a plain path in a .pth file, no import hook on every start-up
# (setuptools calls the mode transitional; the plain editable install is the fallback).

.PHONY: run test lint typecheck contracts pytest bench messages doc-images dist dist-check clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "hall needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e . --config-settings editable_mode=compat 2>/dev/null \
	  || $(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]' --config-settings editable_mode=compat 2>/dev/null \
	  || $(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed-run

## Install, initialise the local database with demo data (first run only), open the program.
run: $(VENV)/.installed-run
	$(BIN)/hall init --demo
	$(BIN)/hall

## Install the test tools, then lint, format check, type check, import contracts, tests.
test: $(VENV)/.installed-test
	$(BIN)/ruff check hall tests bench
	$(BIN)/ruff format --check hall tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check hall tests bench
	$(BIN)/ruff format --check hall tests bench

## Benchmarks: each figure beside a baseline measured in the same run.
bench: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.run

## The README's pictures of a license and a commitment letter, printed from the demo hall.
doc-images: $(VENV)/.installed-run
	QT_QPA_PLATFORM=offscreen $(BIN)/python docs/make_images.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python docs/make_screens.py

## Extract the translatable strings (source language: Simplified Chinese) into
## resources/locale/hall.pot, bring each language's catalog up to date (new strings
## empty, to translate; removed ones dropped) and compile it. tests/test_i18n.py fails
## on a string missing from the template or untranslated.
messages: $(VENV)/.installed-test
	$(BIN)/pybabel extract -F babel.cfg -o resources/locale/hall.pot -w 100 \
	  --project hall --version $$($(BIN)/python -c 'import hall; print(hall.__version__)') \
	  --copyright-holder hall hall
	$(BIN)/pybabel update -D hall -i resources/locale/hall.pot -d resources/locale -w 100 \
	  --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -D hall -d resources/locale --statistics

## The installable bundle: dist/hall/ and dist/hall-<version>-linux-<arch>.tar.gz (installer/).
dist: $(VENV)/.installed-run
	$(BIN)/pip install --quiet -e '.[dist]' --config-settings editable_mode=compat 2>/dev/null \
	  || $(BIN)/pip install --quiet -e '.[dist]'
	$(BIN)/python installer/build.py

## Build the bundle and run it from its tarball on a clean environment (slow; not in `make test`).
dist-check: $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e '.[dist]' --config-settings editable_mode=compat 2>/dev/null \
	  || $(BIN)/pip install --quiet -e '.[dist]'
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -m dist tests/dist

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .pytest_cache .ruff_cache
