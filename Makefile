# One task runner. The README's two commands are `make demo` and `make test`; CI runs `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: setup system demo test test-fast lint bench translations docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Python packages, front-end packages from the npm registry into static/vendor/, compiled translations.
setup: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --silent
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx-ext-ws/dist/ws.min.js static/vendor/
	$(BIN)/pybabel compile --use-fuzzy -d scoreboard/locale -D messages --statistics

# What the tests need from Debian: chromium for browser tests, CJK fonts, poppler for reading PDFs.
system:
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null && fc-list | grep -q 'Noto Sans CJK' || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null; }

demo: setup
	$(BIN)/scoreboard demo --port $(PORT) --simulate

# Browser tests run in their own pytest process: sync Playwright and pytest-asyncio cannot share one.
test: setup system
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -m "not e2e"
	$(BIN)/pytest -m e2e

test-fast:
	$(BIN)/pytest -m "not e2e and not postgres" -q

lint:
	$(BIN)/ruff check .
	$(BIN)/mypy

# Each benchmark prints its figures; they take a few minutes together on 2 cores.
bench: setup
	$(BIN)/python benchmarks/standings.py
	$(BIN)/python benchmarks/judge_sheets.py
	$(BIN)/python benchmarks/board.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/exports.py
	$(BIN)/python benchmarks/fuzz.py
	$(BIN)/python benchmarks/growth.py

# Refresh the catalogs after adding or changing user-facing text.
translations:
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ -k gettext -k ngettext:1,2 -k label --no-location --sort-output -o scoreboard/locale/messages.pot .
	$(BIN)/pybabel update -i scoreboard/locale/messages.pot -d scoreboard/locale -D messages --no-fuzzy-matching

clean:
	rm -rf $(VENV) node_modules static/vendor

# Regenerate docs/cli.md from the real --help texts.
docs:
	$(BIN)/python -m tests.test_docs
