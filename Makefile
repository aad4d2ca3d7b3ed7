# Two commands for a fresh machine:
#   make run   - set up (system packages checked, virtualenv built) and launch the app on library.db
#   make test  - set up and run lint, types and the test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench sysdeps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

sysdeps:
	@bash scripts/system-deps.sh

run: sysdeps $(STAMP)
	$(VENV)/bin/reader gui --library library.db

lint: $(STAMP)
	$(VENV)/bin/ruff check reader tests benchmarks scripts
	$(VENV)/bin/mypy reader

test: sysdeps $(STAMP) lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m reader.bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
