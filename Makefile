# The two commands of the README: `make start` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: start test lint demo-files bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installed again whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

start: $(VENV)/.installed
	$(BIN)/streamlit run dashboard.py --server.port $(PORT) --server.headless true

test: $(VENV)/.installed
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || $(MAKE) --no-print-directory chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
chromium:
	@if [ "$$(id -u)" = "0" ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
		echo "The browser tests need Chromium: run 'sudo apt-get install chromium' (Debian/Ubuntu)."; \
		exit 1; \
	fi

lint: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo-files: $(VENV)/.installed
	$(BIN)/python -m hubmetrics.demo --out data/demo

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/ingest_benchmark.py --rows 1000000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache test-artifacts
