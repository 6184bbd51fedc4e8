# Anjian: `make demo` sets up and runs the product; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# Where the database, the collected static files and the secret key live (the settings' default).
export ANJIAN_VAR_DIR ?= $(CURDIR)/var
# The demo runs as an installation does, with DEBUG off (no debug pages: they list every URL
# and show settings), but over plain HTTP on this machine: no HTTPS redirect, no Secure-only
# cookies. Its secret key is generated once into $(ANJIAN_VAR_DIR)/secret_key (mode 0600).
export ANJIAN_PLAIN_HTTP ?= 1
STATIC_MANIFEST := $(ANJIAN_VAR_DIR)/static/staticfiles.json
STATIC_SOURCES := $(shell find anjian -path '*/static/*' -type f 2>/dev/null)

.PHONY: demo install secret-key migrate static demo-data serve test lint messages worker clean

demo: install secret-key static migrate demo-data serve

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@echo "== 安装依赖 Installing dependencies into $(VENV) (first run: a few minutes) =="
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

secret-key: install
	@$(BIN)/python -m anjian.config secret-key

migrate: install secret-key
	@echo "== 建表并加载基础数据 Migrating the database and loading reference data (first run: a minute or two) =="
	@$(BIN)/anjian migrate --verbosity 0 --progress

# Collected (hashed, compressed) into $(ANJIAN_VAR_DIR)/static for WhiteNoise; again only when a
# static file or the installed packages changed.
static: $(STATIC_MANIFEST)

$(STATIC_MANIFEST): $(VENV)/.installed $(STATIC_SOURCES)
	@$(MAKE) --no-print-directory secret-key
	@echo "== 收集静态文件 Collecting static files into $(ANJIAN_VAR_DIR)/static =="
	@$(BIN)/anjian collectstatic --noinput --verbosity 0

demo-data: install secret-key
	@echo "== 生成演示数据 Generating the demo data (first run: a minute or two) =="
	@$(BIN)/anjian demo --if-empty

serve: install secret-key static
	@echo "== 安监已启动 Anjian is serving on http://$(HOST)/  (Ctrl-C 停止 to stop) =="
	$(BIN)/anjian runserver $(HOST)

worker: install secret-key
	$(BIN)/anjian run_huey

test: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest

# ruff, then the layer rules (import-linter: [tool.importlinter] in pyproject.toml, docs/architecture.md;
# no cache, so that the SQLite and PostgreSQL runs of CI can check at the same time).
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

messages: install secret-key
	cd anjian && ../$(BIN)/anjian makemessages -l zh_Hans -l en --no-obsolete && ../$(BIN)/anjian compilemessages

clean:
	rm -rf $(VENV) var
