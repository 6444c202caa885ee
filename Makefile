# A fresh machine needs only Python 3.11+: these targets make .venv and install into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint format bench bench-large screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: set up, then open newsreader on this workspace (the bundled seeds at first)
run: $(STAMP)
	$(BIN)/newsreader $(ARGS)

# Tests run in parallel (pytest-xdist): a worker per core for the whole suite (its tmux and kill -9
# tests want a machine that is not overloaded); twice that for the fast subset, whose Pilot tests
# spend most of their time waiting for the app to go idle.
JOBS ?= auto
FAST_JOBS ?= 4
PYTEST := $(BIN)/python -m pytest --dist worksteal

## test: set up, then run the whole test suite
test: $(STAMP)
	$(PYTEST) -n $(JOBS)

## test-fast: the suite without the slow tests (kill -9 loops, tmux, bench smoke), to run often
test-fast: $(STAMP)
	$(PYTEST) -n $(FAST_JOBS) -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check tui tests bench
	$(BIN)/ruff format --check tui tests bench

format: $(STAMP)
	$(BIN)/ruff format tui tests bench
	$(BIN)/ruff check --fix tui tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

## screenshots: regenerate docs/*.svg from the real app
screenshots: $(STAMP)
	$(BIN)/python docs/screenshots.py

## bench: the benchmark suite (about 80 s on 2 cores); prints the table, writes bench/results/latest.json
bench: $(STAMP)
	$(BIN)/python -m bench.run

## bench-large: the commands on 100,000 articles (several minutes; not in CI)
bench-large: $(STAMP)
	$(BIN)/python -m bench.run --large --out bench/results/large.json
