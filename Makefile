# Anjian: `make demo` sets up and runs the product; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: demo install migrate demo-data serve test lint messages worker clean

demo: install migrate demo-data serve

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

migrate: install
	$(BIN)/anjian migrate --verbosity 0

demo-data: install
	$(BIN)/anjian demo --if-empty

serve: install
	@echo "Anjian is serving on http://$(HOST)/  (Ctrl-C to stop)"
	$(BIN)/anjian runserver $(HOST)

worker: install
	$(BIN)/anjian run_huey

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .

messages: install
	cd anjian && ../$(BIN)/anjian makemessages -l zh_Hans -l en --no-obsolete && ../$(BIN)/anjian compilemessages

clean:
	rm -rf $(VENV) var
