# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

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
	@echo "== rfcdesk new 'Query Cost Estimates' examples/klip --dry-run (writes nothing)"
	@$(BIN)/rfcdesk new "Query Cost Estimates" examples/klip --author "Demo User" --dry-run | head -12
	@echo "..."
	@echo
	@echo "== rfcdesk status 4 'In Discussion' examples/klip --dry-run"
	@$(BIN)/rfcdesk status 4 "In Discussion" examples/klip --dry-run

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy --strict src/rfcdesk

test: lint
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.history

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache bench-data
