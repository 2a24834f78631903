# Two commands from a fresh clone: `make run` and `make test`. Only Python 3.11+ is needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= true

.PHONY: run test test-sqlite test-postgres lint format bench messages install

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

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
	$(PY) manage.py compilemessages -l zh_Hans

bench: $(STAMP)
	$(PY) -m bench.run
