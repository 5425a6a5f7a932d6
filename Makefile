# The kit's commands. `make report` and `make test` each set up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NBVAL  := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: report test test-lowest soak lab notebooks demo bench browser-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## report: run the whole diagnosis of the demo company into reports/demo/
report: $(STAMP)
	$(BIN)/cxkit run data/demo --out reports/demo

## test: the lint (ruff), unit tests and the docstrings' examples, then every notebook under nbval
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 tests --doctest-modules cxlib
	$(BIN)/python -m pytest $(NBVAL) -n 2 --dist loadscope notebooks/*.ipynb

## test-lowest: make test's lint, unit tests, docstring examples and nbval again in .venv-lowest, where every direct
## dependency is the lowest version pyproject.toml allows (.ci/constraints-lowest.txt), so that the lower bounds are
## known to work. The venv is rebuilt from scratch when either file changes, since pip would keep newer leftovers
## otherwise.
LOWEST       := .venv-lowest
LOWEST_STAMP := $(LOWEST)/.installed-stamp

$(LOWEST_STAMP): pyproject.toml .ci/constraints-lowest.txt
	rm -rf $(LOWEST)
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --upgrade pip
	$(LOWEST)/bin/python -m pip install --quiet -c .ci/constraints-lowest.txt -e ".[test]"
	touch $(LOWEST_STAMP)

test-lowest: $(LOWEST_STAMP)
	$(LOWEST)/bin/ruff check .
	$(LOWEST)/bin/python -m pytest -n 2 tests --doctest-modules cxlib
	$(LOWEST)/bin/python -m pytest $(NBVAL) -n 2 --dist loadscope notebooks/*.ipynb

## soak: the property "check passes => run passes" over many more drawn client folders than make test draws
SOAK_EXAMPLES ?= 60
soak: $(STAMP)
	CXKIT_SOAK_EXAMPLES=$(SOAK_EXAMPLES) $(BIN)/python -m pytest tests/test_real_data.py -k every_folder -x

## bench: benchmarks, each with its ratio to a baseline measured in the same run
bench: $(STAMP)
	$(BIN)/python bench/bench_metrics.py
	$(BIN)/python bench/bench_coverage.py
	$(BIN)/python bench/bench_drivers.py
	$(BIN)/python bench/bench_spc.py
	$(BIN)/python bench/bench_voice.py
	$(BIN)/python bench/bench_privacy.py
	cd bench && ../$(BIN)/python bench_run.py 1000000
	cd bench && ../$(BIN)/python bench_aggregate.py 50000000
	cd bench && ../$(BIN)/python bench_scaling.py

## browser-deps: Debian's Chromium and chromedriver for the report's browser test (root or sudo; idempotent)
BROWSER_DEBS := chromium chromium-driver fonts-dejavu-core
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
browser-deps:
	dpkg -s $(BROWSER_DEBS) >/dev/null 2>&1 || { $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(BROWSER_DEBS); }

## lab: open JupyterLab on the notebooks (installs the `lab` extra on first use)
lab: $(STAMP)
	test -x $(BIN)/jupyter-lab || $(BIN)/python -m pip install --quiet -e ".[lab]"
	$(BIN)/jupyter lab notebooks

## notebooks: re-execute the notebooks on the demo so their committed outputs are current, and
## regenerate the student copies in notebooks/exercises
notebooks: $(STAMP)
	$(BIN)/cxkit refresh
	$(BIN)/cxkit exercises

## demo: rewrite data/demo and data/cases from the seeded generator
demo: $(STAMP)
	$(BIN)/python -m cxlib.demo

clean:
	rm -rf reports
