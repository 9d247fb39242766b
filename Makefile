# mesbook — two commands: `make book` builds the HTML book, `make test` runs every test.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: venv axe book test bench mutate lab clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# axe-core, the accessibility engine that tests/test_browser.py runs on every page, from npm: the version is pinned
# in package.json and package-lock.json (with its checksum); `npm ci` installs exactly that into node_modules/.
AXE := node_modules/axe-core/axe.min.js

axe: $(AXE)

$(AXE): package.json package-lock.json
	command -v npm >/dev/null || { echo "make axe: npm is missing (Debian: apt-get install npm; .ci/run does it)"; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts
	touch $(AXE)

# `jupyter-book build . -W -n --keep-going`, reading BOOK_JOBS chapters at once (default: every core;
# tools/build_book.py). Its wall time goes to _build/book-seconds.txt for `make bench` (benchmarks/bench_twin.py).
book: $(STAMP)
	start=$$(date +%s); $(BIN)/python tools/build_book.py; echo $$(( $$(date +%s) - start )) > _build/book-seconds.txt

# The browser tests (tests/test_browser.py) read the built book, so the book is built first (fresh each time).
test: $(STAMP) $(AXE) book
	$(BIN)/python -m pytest tests book --nbval-lax --nbval-sanitize-with nbval_sanitize.cfg -p no:cacheprovider

# JupyterLab on the chapters, from the venv (jupyterlab-myst renders the MyST markup; LAB_ARGS adds options,
# e.g. `make lab LAB_ARGS=--no-browser`).
LAB_ARGS ?=
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=book $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP) benchmarks/requirements.txt
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks

# Mutation testing (slow, not part of `make test`): each money module against its mirror tests, in a copy
# under /tmp; kill rates and survivors to /tmp/mesbook-mutate/mutation.md. MUTATE_ARGS=rules limits it.
MUTATE_ARGS ?=
mutate: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.mutate $(MUTATE_ARGS)

clean:
	rm -rf _build .pytest_cache .hypothesis
