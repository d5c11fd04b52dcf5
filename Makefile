# Two commands do all set-up on a fresh machine:  `make run` (dashboard)  and  `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint format bench chromium

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# The dashboard on the embedded default data (seeds/ and data/samples/ are ingested on first run).
run: $(VENV)/.runtime
	$(PY) -m streamlit run dashboard/app.py

# Lint, then every test: unit, store, ingest over real HTTP, AppTest and the real browser.
test: $(VENV)/.dev chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	CHROMIUM=$(CHROMIUM) $(PY) -m pytest

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(VENV)/.dev
	$(PY) benchmarks/bench_analysis.py
	$(PY) benchmarks/bench_ingest.py
	$(PY) benchmarks/bench_dashboard.py

# Debian's chromium for the end-to-end test (Playwright's own browser download cannot work here).
chromium:
	@test -x $(CHROMIUM) || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }
