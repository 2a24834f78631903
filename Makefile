# Two commands from a fresh clone: `make run` and `make test`. Only Python 3.11+ is needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://reportsite:reportsite@127.0.0.1:5432/reportsite
export DEBUG ?= true

.PHONY: run test test-sqlite test-postgres lint format bench messages install backup ci

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --address $(HOST):$(PORT)
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Parallel on every usable CPU (pytest-xdist); TEST_WORKERS=0 runs in one process. Tests marked
# xdist_group run on one worker together (tests/security/test_server_raw.py boots one gunicorn, not one each).
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; n = len(os.sched_getaffinity(0)); print(n if n > 1 else 0)')
PYTEST = $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup
# Runs a command, then says how long it took, keeping the command's exit code.
TIMED = started=$$(date +%s); status=0; $(1) || status=$$?; \
	echo "$(2) took $$(( $$(date +%s) - started )) s (exit $$status)"; exit $$status

# The whole suite, browser tests included; narrow it with PYTEST_ARGS="tests/reports -k week".
test: $(STAMP)
	@$(call TIMED,$(PYTEST) $(PYTEST_ARGS),make test)

test-sqlite: $(STAMP)
	@$(call TIMED,env -u DATABASE_URL $(PYTEST) $(PYTEST_ARGS),make test-sqlite)

# Needs a role that may create databases; see README.md "PostgreSQL".
test-postgres: $(STAMP)
	@$(call TIMED,DATABASE_URL=$(PG_URL) $(PYTEST) $(PYTEST_ARGS),make test-postgres)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

bench: $(STAMP)
	$(PY) -m bench.run $(BENCH_ARGS)

backup: $(STAMP)
	$(PY) manage.py backup

# Everything CI runs (installs system packages when missing; run as root or with sudo).
ci:
	bash .ci/run
