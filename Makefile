# labcdn — two commands on a fresh machine: `make book` and `make test`.
# Each does its own set-up, first the system packages it needs (apt-get when root on Debian, else one line
# saying what to install), then a .venv from the hash-pinned requirements.lock, then vendored JavaScript from npm.

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LOCK := requirements.lock
# pip-compile options: every package pinned with its hashes, build dependencies (setuptools, wheel) and pip
# included, no local index paths written into the file. `make lock LOCK_FLAGS=--upgrade` moves every pin.
LOCK_FLAGS ?=
PIP_COMPILE := --extra dev --all-build-deps --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-header $(LOCK_FLAGS)
# Debian packages (COMMAND:PACKAGE): the book needs npm and Graphviz (build-time diagrams); the tests also
# need chromium (browser tests) and haproxy, nginx and pen (live load-balancer tests).
BOOK_SYSTEM := npm:npm dot:graphviz
TEST_SYSTEM := $(BOOK_SYSTEM) chromium:chromium haproxy:haproxy nginx:nginx-light pen:pen
VENDOR := book/_vendor
VENDOR_STAMP := $(VENDOR)/.stamp
# Pinned JavaScript for the offline book (npm registry).
REQUIREJS := requirejs@2.3.8
HTML_MANAGER := @jupyter-widgets/html-manager@1.0.15
MATHJAX := mathjax@3.2.2
NBVAL := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=900
ARTIFACTS ?= artifacts

.PHONY: help venv lock system-book system-test vendor book test unit notebooks-check book-check browser lab \
	notebooks bench lint clean

help:
	@echo "make book   - install, execute every notebook, build book/_build/html"
	@echo "make test   - install, run unit/property/oracle tests, nbval, the book build (-W), browser tests"
	@echo "make lab    - JupyterLab on 127.0.0.1 (token printed), opened on notebooks/"
	@echo "make notebooks - re-execute the committed notebooks in place (after changing a study)"
	@echo "make bench  - run every benchmark (labcdn vs its peer), results in benchmarks/results/"
	@echo "make lock   - refresh requirements.lock from pyproject.toml (LOCK_FLAGS=--upgrade to move every pin)"

system-book:
	@scripts/system-packages.sh $(BOOK_SYSTEM)

system-test:
	@scripts/system-packages.sh $(TEST_SYSTEM)

venv: $(STAMP)
$(STAMP): $(LOCK) pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	@touch $@

lock: venv
	$(BIN)/pip-compile -q $(PIP_COMPILE) -o $(LOCK) pyproject.toml

vendor: $(VENDOR_STAMP)
$(VENDOR_STAMP): Makefile
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/requirejs $(VENDOR)/html-manager $(VENDOR)/mathjax
	cd $(VENDOR) && npm pack --silent $(REQUIREJS) $(HTML_MANAGER) $(MATHJAX) >/dev/null
	tar -xzf $(VENDOR)/requirejs-*.tgz -C $(VENDOR)/requirejs --strip-components=1
	tar -xzf $(VENDOR)/jupyter-widgets-html-manager-*.tgz -C $(VENDOR)/html-manager --strip-components=1
	tar -xzf $(VENDOR)/mathjax-*.tgz -C $(VENDOR)/mathjax --strip-components=2 \
		package/es5/tex-mml-chtml.js package/es5/output/chtml/fonts/woff-v2
	rm -f $(VENDOR)/*.tgz
	@touch $@

book: system-book venv vendor
	$(BIN)/jupyter-book build --all book
	@echo "Open file://$(CURDIR)/book/_build/html/index.html"

lint: venv
	$(BIN)/ruff check labcdn tests benchmarks book/_ext notebooks scripts

unit: venv
	$(BIN)/pytest -q -m "not browser" tests

notebooks-check: venv
	$(BIN)/pytest -q $(NBVAL) notebooks

book-check: venv vendor
	mkdir -p book/_build
	sed 's/^  execute_notebooks: force$$/  execute_notebooks: "off"/' book/_config.yml > book/.config-committed.yml
	grep -q 'execute_notebooks: "off"' book/.config-committed.yml
	$(BIN)/jupyter-book build --all -W --keep-going --config book/.config-committed.yml book

browser: venv
	mkdir -p $(ARTIFACTS)
	$(BIN)/pytest -q -m browser tests --artifacts=$(ARTIFACTS)

test: system-test venv vendor lint unit notebooks-check book-check browser

lab: venv
	@# Trusted notebooks show their saved charts (inline SVG) and widget panels before Run All;
	@# JupyterLab strips both from untrusted ones. The signatures go to the user's own trust database.
	$(BIN)/jupyter trust notebooks/*.ipynb
	$(BIN)/python -m labcdn.lab

notebooks: venv
	$(BIN)/python -m labcdn.notebooks execute notebooks/*.ipynb

bench: venv
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf book/_build $(ARTIFACTS) benchmarks/results
