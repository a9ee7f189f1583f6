# Two commands on a fresh machine with Python 3.11+:  make review   and   make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXAMPLE ?= data/examples/three-tier-aws
export JUPYTER_CONFIG_DIR  := $(CURDIR)/.jupyter/config
export JUPYTER_DATA_DIR    := $(CURDIR)/.jupyter/data
export JUPYTER_RUNTIME_DIR := $(CURDIR)/.jupyter/runtime
export IPYTHONDIR          := $(CURDIR)/.jupyter/ipython
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: review test venv browser bench lint clean notebooks

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@mkdir -p .jupyter/config .jupyter/data .jupyter/runtime .jupyter/ipython
	@touch $(STAMP)

## Review the bundled example: HTML report + Markdown summary under build/, summary on the terminal.
review: $(STAMP)
	@mkdir -p build
	$(BIN)/infra-review scan $(EXAMPLE) --format table --fail-on none
	$(BIN)/infra-review report $(EXAMPLE) -o build/review.html

## Headless Chromium for the browser tests and PNG export (Debian package; never `playwright install`).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null) \
	      || echo "WARNING: could not install chromium; browser tests will be skipped"; \
	  else echo "NOTE: chromium not found and cannot install it (not root); browser tests will be skipped"; fi; }

## The whole suite: unit tests, rule fixtures, doctests, notebooks (nbval), papermill, browser.
test: $(STAMP) browser
	$(BIN)/python -m pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

## Rebuild notebooks/*.ipynb from their jupytext sources and refresh the stored outputs nbval checks.
notebooks: $(STAMP)
	$(BIN)/python tools/notebooks.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check infra_review tests bench

clean:
	rm -rf $(VENV) build .jupyter .infra_review_cache .pytest_cache
