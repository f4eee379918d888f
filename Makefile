# The two commands of the README: `make run` sets up and runs the platform with the demo city,
# `make test` runs every test (SQLite by default; set DATABASE_URL for PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export GOVSHARE_DATA_DIR ?= $(CURDIR)/data

.PHONY: run install test test-sqlite test-postgres lint bench clean

$(BIN)/govshare: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/govshare

install: $(BIN)/govshare

run: install
	$(BIN)/govshare serve --demo

test: install
	$(BIN)/pytest -q -n 2

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest -q -n 2

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/bench_search.py
	$(BIN)/python bench/bench_import.py

clean:
	rm -rf $(VENV) data
