# Broadsheet. `make run` serves on SQLite; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
BENCH_STAMP := $(VENV)/.bench-installed
# The compiled walks (setup.py builds them in place on an editable install): a change rebuilds.
EXTENSION := setup.py src/broadsheet/extract/_walk.pyx
# The PostgreSQL server the second pass of `make test` uses, when set (.ci/run sets it).
BROADSHEET_TEST_POSTGRES ?=
# What touches the database: the second pass runs these again on PostgreSQL (extract and fetch
# are pure and need no second run).
DB_TESTS := tests/core tests/api tests/web tests/cli tests/accounts tests/e2e tests/browser tests/opds tests/wallabag tests/mailin

.PHONY: run install dev test test-sqlite test-postgres lint format bench bench-library bench-import bench-related gate identity ablation load fuzz contract screenshots icons extension clean

# Groups to leave out, as a marker expression: `make test MARKS='not slow and not browser'`.
MARKS ?=
SQLITE_MARKS := not postgres$(if $(MARKS), and ($(MARKS)))
PG_MARKS := $(if $(MARKS),-m "$(MARKS)")
# Chromium is needed unless the browser tests are left out.
NEEDS_CHROMIUM = $(if $(findstring not browser,$(MARKS)),,$(CHROMIUM))

# The browser tests drive Debian's Chromium (never a browser that a test tool downloads).
CHROMIUM := /usr/bin/chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"

$(RUNTIME_STAMP): pyproject.toml $(EXTENSION) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/pip install --quiet -e .
	touch $@

# Dependency groups (`--group`) need pip 25.1 or newer, whoever made the virtualenv.
$(DEV_STAMP): pyproject.toml $(EXTENSION) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/pip install --quiet -e . --group dev
	touch $@ $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP)
dev: $(DEV_STAMP)

## run: the service on SQLite at http://127.0.0.1:8000 with a background worker; Ctrl-C stops both
run: $(RUNTIME_STAMP)
	$(BIN)/broadsheet run

## test: lint, types, import contracts, then the whole suite (and again on PostgreSQL when set)
test: lint test-sqlite
	@if [ -n "$(BROADSHEET_TEST_POSTGRES)" ]; then $(MAKE) --no-print-directory test-postgres; fi

# Missing, it is installed through apt, as CI does, saying so first (sudo when not root).
$(CHROMIUM):
	@echo "make: the browser tests drive Debian's Chromium, and $(CHROMIUM) is missing."
	@if ! command -v apt-get >/dev/null 2>&1; then \
		echo "make: no apt-get here: install Chromium at $(CHROMIUM), or leave the browser tests" \
			"out with: make test MARKS='not browser'"; exit 2; fi
	@sudo=""; if [ "$$(id -u)" != 0 ]; then sudo="sudo "; fi; \
		echo "make: installing it: $${sudo}apt-get install chromium (Debian's package, about 100 MB)"; \
		$${sudo}env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	@test -x $(CHROMIUM) || { echo "make: apt-get did not install $(CHROMIUM)"; exit 2; }

test-sqlite: $(DEV_STAMP) | $(NEEDS_CHROMIUM)
	BROADSHEET_SECRET_KEY=test-only-secret $(BIN)/pytest -m "$(SQLITE_MARKS)" $(PYTEST_ARGS)

test-postgres: $(DEV_STAMP) | $(NEEDS_CHROMIUM)
	@test -n "$(BROADSHEET_TEST_POSTGRES)" || { echo "set BROADSHEET_TEST_POSTGRES=postgresql://user@host:5432/db"; exit 2; }
	DATABASE_URL=$(BROADSHEET_TEST_POSTGRES) BROADSHEET_SECRET_KEY=test-only-secret \
		$(BIN)/pytest $(PG_MARKS) $(DB_TESTS) $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(DEV_STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

$(BENCH_STAMP): pyproject.toml $(EXTENSION) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/pip install --quiet -e . --group dev --group bench
	touch $@ $(DEV_STAMP) $(RUNTIME_STAMP)

## bench: Broadsheet beside trafilatura, Readability, resiliparse, ... on every set (~25 min)
bench: $(BENCH_STAMP)
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/metadata.py
	$(BIN)/python bench/ablation.py

## bench-related: story vectors (broadsheet.similar.embedding) beside the frontier on the news sets
## in ../shared/bench/news, speed on one core (bench/results/related.md; ~40 min, RELATED_ARGS=--quick
## ~3). wordllama is one of the rows compared, never a runtime dependency: installed here if missing
bench-related: $(RUNTIME_STAMP)
	@$(BIN)/python -c "import wordllama" 2>/dev/null || $(BIN)/pip install --quiet "wordllama==0.4.0.post1"
	$(BIN)/python bench/related.py $(RELATED_ARGS)

## ablation: each rule table, and each rule firing on fewer than three pages, switched off: the
## pages it changes and the F1 it moves per set (bench/results/ablation.md; ~15 min)
ablation: $(DEV_STAMP)
	$(BIN)/python bench/ablation.py

## gate: extraction F1 on every set, and metadata accuracy, at or above bench/floors.json (CI)
gate: $(DEV_STAMP)
	$(BIN)/python bench/gate.py $(GATE_ARGS)

## identity: the compiled walks and their pure-Python twins give the same Article on every page of
## every benchmark set (CI; about a minute)
identity: $(DEV_STAMP)
	$(BIN)/python bench/identity.py --both

## bench-library: list, search and tag-filter p50/p95 at 100,000 stories of one reader among
## 1,000,000 rows, on SQLite and on PostgreSQL (bench/results/library-*.md; ~30 min;
## LIBRARY_ARGS="--rows 100000 --user-rows 10000" for a quick one)
LIBRARY_ARGS ?=
bench-library: $(DEV_STAMP)
	$(BIN)/python bench/library.py --db sqlite $(LIBRARY_ARGS)
	$(BIN)/python bench/library.py --db postgres $(LIBRARY_ARGS)

## bench-import: a 100,000-row Pocket export into a fresh SQLite database: time, rows/s, peak memory
bench-import: $(RUNTIME_STAMP)
	$(BIN)/python bench/import_pocket.py

## load: a short load run on loopback (saves and list requests per second, p50/p99)
load: $(DEV_STAMP)
	$(BIN)/python bench/load.py

## fuzz: the atheris fuzz targets in fuzz/, FUZZ_SECONDS each (default 60); not part of `make test`
FUZZ_SECONDS ?= 60
fuzz: $(DEV_STAMP)
	@$(BIN)/python -c "import atheris" 2>/dev/null || $(BIN)/pip install --quiet "atheris>=2.3,<4"
	for target in fuzz/fuzz_*.py; do \
		BROADSHEET_SECRET_KEY=fuzz-only $(BIN)/python $$target -max_total_time=$(FUZZ_SECONDS) -max_len=4096 || exit 1; \
	done

## contract: schemathesis (every check, stateful too) against a live server on loopback; fails on
## any finding. CONTRACT_ARGS e.g. "--max-examples 200 --seed 7"; not part of `make test`
CONTRACT_ARGS ?=
contract: $(DEV_STAMP)
	$(BIN)/python -m tests.contract.run $(CONTRACT_ARGS)

## screenshots: write the reference images of tests/browser/test_screenshots.py anew (the list,
## the reader view and settings at 360 and 1280 px, light and dark); review every changed one
## before committing it (docs/reading.md)
screenshots: $(DEV_STAMP) | $(CHROMIUM)
	BROADSHEET_UPDATE_SCREENSHOTS=1 BROADSHEET_SECRET_KEY=test-only-secret \
		$(BIN)/pytest -p no:cacheprovider -n 0 -q tests/browser/test_screenshots.py -k looks_as_reviewed
	@git status --short tests/browser/screenshots 2>/dev/null || true

## icons: render the app's PNG icons (192, 512, maskable, apple-touch) from
## src/broadsheet/web/static/broadsheet/icon.svg with Chromium (tools/make_icons.py); commit them
icons: $(DEV_STAMP) | $(CHROMIUM)
	$(BIN)/python tools/make_icons.py

## extension: the browser extension (extension/) zipped for Chromium and Firefox, in
## dist/broadsheet-extension-VERSION.zip (docs/browser.md); needs only Python
extension:
	$(PYTHON) extension/tools/package.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build
	rm -f src/broadsheet/extract/_walk.c src/broadsheet/extract/_walk.*.so
