# The two commands of the README: `make start` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: start test lint demo-files bench clean system-packages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installed again whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

start: $(VENV)/.installed
	$(BIN)/streamlit run dashboard.py --server.address 127.0.0.1 --server.port $(PORT) --server.headless true

test: $(VENV)/.installed
	@[ -x /usr/bin/chromium ] && command -v pdftotext >/dev/null 2>&1 || $(MAKE) --no-print-directory system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here);
# the report tests read PDFs with poppler's pdftotext and pdftoppm.
SYSTEM_PACKAGES := chromium poppler-utils
system-packages:
	@if [ "$$(id -u)" = "0" ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(SYSTEM_PACKAGES); \
	else \
		echo "The tests need: sudo apt-get install $(SYSTEM_PACKAGES)   (Debian/Ubuntu)"; \
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
