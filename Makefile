# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
# The browser tests drive Debian's Chromium with Playwright (its own download does not work
# offline); `make test` installs the package when it is missing.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint bytecode bench bench-full screenshots unlabelled clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The benchmarks also time peer tools; mkdocs comes from the bench extra (eipw from npm, by
# benchmarks.peers itself). `make test` and `make demo` do not need them.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

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
	@echo "== rfcdesk graph examples/decisions (which decision requires, replaces or relates to which)"
	@$(BIN)/rfcdesk graph examples/decisions
	@echo
	@echo "== rfcdesk build examples/klip -o _site/klip, examples/rfc -o _site/rfc, examples/decisions -o _site/decisions"
	@$(BIN)/rfcdesk build examples/klip -o _site/klip
	@$(BIN)/rfcdesk build examples/rfc -o _site/rfc
	@$(BIN)/rfcdesk build examples/decisions -o _site/decisions
	@echo "Open _site/klip/index.html (or _site/decisions/graph.html) in a browser, or run: $(BIN)/rfcdesk serve examples/klip"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy --strict src/rfcdesk tests

$(CHROMIUM):
	$(SUDO) apt-get install -y -q chromium || \
	  ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium)

test: lint $(CHROMIUM)
	$(BIN)/pytest -q

# An installed rfcdesk has its modules compiled when pip installs it; this editable install
# is compiled here, so that no timed run counts compiling them (where PYTHONDONTWRITEBYTECODE
# is set, every run would).
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q src > /dev/null

# The everyday run, under 3 minutes: folders up to 10,000 proposals, a small synthetic history,
# changed-files mode on 1,000, one run of each peer comparison.
bench: $(BENCH_STAMP) bytecode
	$(BIN)/python -m benchmarks.run --sizes 100,1000,10000
	$(BIN)/python -m benchmarks.history --proposals 1000 --commits 5000
	$(BIN)/python -m benchmarks.site --sizes 100,1000
	$(BIN)/python -m benchmarks.changed --size 1000
	$(BIN)/python -m benchmarks.discovery --size 1000 --runs 1
	$(BIN)/python -m benchmarks.peers --runs 1

# The long ones: check from 1,000 to 30,000 proposals, 10,000 proposals over 50,000 commits,
# a site of 10,000, medians of 3 runs of each peer comparison.
bench-full: $(BENCH_STAMP) bytecode
	$(BIN)/python -m benchmarks.run --sizes 1000,3000,10000,30000
	$(BIN)/python -m benchmarks.history
	$(BIN)/python -m benchmarks.site --sizes 1000,10000
	$(BIN)/python -m benchmarks.changed --size 10000
	$(BIN)/python -m benchmarks.discovery --size 10000 --runs 3
	$(BIN)/python -m benchmarks.peers --runs 3

# The sampled findings on the corpora that no label in tests/labels names yet, with each
# corpus's precision: read them, label them TRUE or FALSE, add them to tests/labels.
unlabelled: $(STAMP)
	cd tests && ../$(BIN)/python labelled.py

screenshots: $(STAMP) $(CHROMIUM)
	$(BIN)/python tools/screenshots.py docs

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache bench-data _site
