# gpt2desk developer commands. Every target creates .venv on first use.
#   make test                          lint, format check, types, tests (what CI runs)
#   make run ARGS="--model /path"      check the system can open a window, then start the app
#   make bench ARGS=...                benchmarks (never part of make test)
#   make format                        rewrite code with ruff
#   make lock                          re-pin constraints.txt from the current .venv

VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
# Touched after a successful install; pip runs again when the dependencies change.
INSTALLED := $(VENV)/.installed

.DEFAULT_GOAL := test
.PHONY: test run bench lock format

$(INSTALLED): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -c constraints.txt -e '.[dev]'
	touch $@

test: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy gpt2desk
	$(BIN)/pytest

run: $(INSTALLED)
	$(BIN)/python -m gpt2desk.syscheck
	$(BIN)/python main.py $(ARGS)

bench: $(INSTALLED)
	$(BIN)/python bench/run.py $(ARGS)

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# --all keeps setuptools (a dev dependency) pinned too; pip itself stays unpinned.
lock: $(INSTALLED)
	$(BIN)/pip freeze --all --exclude-editable --exclude pip > constraints.txt.new
	mv constraints.txt.new constraints.txt
	touch $(INSTALLED)
