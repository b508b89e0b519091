# The two commands of the README: `make demo` and `make test`. Both start from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
# pytest worker processes (pytest-xdist); 0 runs the suite in this one process
PYTEST_WORKERS ?= 2
# worksteal: a worker that runs out takes tests queued for the other (the browser sweep's tests
# take 10-20 s each; a fixed split left one worker idle at the end)
PYTEST := $(BIN)/python -m pytest $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist worksteal)
# The suite starts hundreds of Python processes (servers, CLI calls); with bytecode caching off
# (some machines set PYTHONDONTWRITEBYTECODE) each compiled Loket's sources anew, ~0.25 s each.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test test-postgres fuzz lint check-chromium bench clean

# The install is quiet when it works (setuptools' notes about editable installs, a pip
# configuration's warnings) and shows its whole log when it does not.
$(STAMP): pyproject.toml setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing Loket and its dependencies into $(VENV) (log: $(VENV)/install.log)"
	@{ $(BIN)/python -m pip install --quiet --upgrade pip && \
	   $(BIN)/python -m pip install --quiet -e '.[test,dev,demo]'; } > $(VENV)/install.log 2>&1 \
	  || { cat $(VENV)/install.log; echo "Installing failed: see the log above"; exit 1; }
	@touch $(STAMP)

## demo: migrate and seed an embedded SQLite database, start everything, print URLs and persons
demo: $(STAMP)
	$(BIN)/python scripts/demo.py

## test: lint (ruff, mypy), then the whole pytest suite, browser tests included, in
## PYTEST_WORKERS processes (installs Debian's chromium when root and missing)
test: $(STAMP) check-chromium lint
	LOKET_CHROMIUM=$(CHROMIUM) $(PYTEST)

## test-postgres: the same suite with the in-process app on PostgreSQL + Redis too (the live
## servers run on both in `make test` already)
test-postgres: $(STAMP) check-chromium
	LOKET_TEST_APP_BACKEND=postgresql LOKET_CHROMIUM=$(CHROMIUM) $(PYTEST)

## fuzz: the OpenAPI conformance tests (schemathesis) with a large budget, SQLite and
## PostgreSQL side by side (one worker each); prints operations, cases and failures per
## database (figures in $(FUZZ_REPORT)/). Each test stops by itself; pytest-timeout bounds it.
FUZZ_EXAMPLES ?= 20
FUZZ_REPORT ?= instance/fuzz
fuzz: $(STAMP)
	rm -rf $(FUZZ_REPORT)
	LOKET_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) LOKET_FUZZ_REPORT=$(FUZZ_REPORT) \
	  $(BIN)/python -m pytest -n 2 --dist loadgroup --timeout 900 -p no:cacheprovider \
	  tests/test_api_conformance.py; status=$$?; \
	  $(BIN)/python scripts/fuzz_report.py $(FUZZ_REPORT) && exit $$status

check-chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Chromium is missing: installing Debian's chromium package"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing at $(CHROMIUM): install it (sudo apt-get install chromium)" \
	         "or set CHROMIUM=/path/to/chromium"; exit 1; \
	  fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check backend tests demo_site bench scripts
	$(BIN)/mypy backend/loket

bench: $(STAMP)
	$(BIN)/python bench/sso.py

clean:
	rm -rf $(VENV) instance build dist *.egg-info
