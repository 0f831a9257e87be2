# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The browser tests drive Debian's Chromium with Playwright (its own download does not work
# offline); `make test` installs the package when it is missing.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	@echo "== rfcdesk list examples/klip"
	@$(BIN)/rfcdesk list examples/klip
	@echo
	@echo "== rfcdesk check examples/klip (deliberate problems: exit 1 is expected)"
	@$(BIN)/rfcdesk check examples/klip || true
	@echo
	@echo "== rfcdesk check examples/rfc"
	@$(BIN)/rfcdesk check examples/rfc || true
	@echo
	@echo "== rfcdesk schemes (the built-in processes; \`rfcdesk init\` names the one that fits a folder)"
	@$(BIN)/rfcdesk schemes
	@echo
	@echo "== rfcdesk init examples/rfc --dry-run"
	@$(BIN)/rfcdesk init examples/rfc --dry-run
	@echo
	@echo "== rfcdesk new 'Query Cost Estimates' examples/klip --dry-run (writes nothing)"
	@$(BIN)/rfcdesk new "Query Cost Estimates" examples/klip --author "Demo User" --dry-run | head -12
	@echo "..."
	@echo
	@echo "== rfcdesk status 4 'In Discussion' examples/klip --dry-run"
	@$(BIN)/rfcdesk status 4 "In Discussion" examples/klip --dry-run
	@echo
	@echo "== rfcdesk build examples/klip -o _site/klip, and examples/rfc -o _site/rfc"
	@$(BIN)/rfcdesk build examples/klip -o _site/klip
	@$(BIN)/rfcdesk build examples/rfc -o _site/rfc
	@echo "Open _site/klip/index.html in a browser, or run: $(BIN)/rfcdesk serve examples/klip"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy --strict src/rfcdesk tests

$(CHROMIUM):
	$(SUDO) apt-get install -y -q chromium || \
	  ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium)

test: lint $(CHROMIUM)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.history
	$(BIN)/python -m benchmarks.site
	$(BIN)/python -m benchmarks.changed

screenshots: $(STAMP) $(CHROMIUM)
	$(BIN)/python tools/screenshots.py docs

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache bench-data _site
