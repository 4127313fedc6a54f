# Two commands do everything: `make run` and `make test`. Each bootstraps .venv itself.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
PORT ?= 8501

.PHONY: run test test-fast lint typecheck bench sandbox chromium lock audit clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[console,dev]'
	@touch $(STAMP)

## run: the console on the embedded demo sandbox (or on PostHog when credentials are set)
run: $(STAMP)
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.headless false

## test: lint, types and the whole suite, browser tests included, one worker per core
## (a test file stays on one worker: module fixtures such as a fresh console are started once)
test: $(STAMP) chromium
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy vision_api vision_sandbox vision_console pages app.py bench
	$(PY) -m pytest -n auto --dist loadfile

## test-fast: everything but the browser tests
test-fast: $(STAMP)
	$(PY) -m pytest -n auto --dist loadfile -m "not e2e"

## chromium: Debian's chromium for the browser tests (Playwright cannot download browsers here)
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy vision_api vision_sandbox vision_console pages app.py bench

## bench: every benchmark, each printing its table beside a naive baseline
bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

## sandbox: the local Vision API alone, for scripts and notebooks
sandbox: $(STAMP)
	$(PY) -m vision_sandbox --seed demo --db data/sandbox.sqlite3

## lock: requirements.txt, the deployment's pinned and hashed dependencies (the console extra)
lock: $(STAMP)
	$(PY) -m pip install --quiet pip-tools
	CUSTOM_COMPILE_COMMAND="make lock" $(PY) -m piptools compile --quiet --extra console --generate-hashes --strip-extras \
		--allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements.txt pyproject.toml

## audit: known advisories in the deployment's dependencies (needs an advisory database online)
audit: $(STAMP)
	$(PY) -m pip install --quiet pip-audit
	$(PY) -m pip_audit --require-hashes --disable-pip -r requirements.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
