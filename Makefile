# gpt2desk developer commands. Every target creates .venv on first use.
#   make test                          lint, format check, types, tests (what CI runs)
#   make run ARGS="--model /path"      check the system can open a window, then start the app
#   make bench ARGS=...                benchmarks (never part of make test)
#   make bench-llamacpp ARGS=...       gpt2desk against llama.cpp (builds llama.cpp once, minutes)
#   make format                        rewrite code with ruff
#   make lock                          re-pin constraints.txt from the current .venv
#   make install-desktop               add gpt2desk to the desktop menu (~/.local/share)
#   make translations                  update resources/translations/*.ts from the code, compile .qm

VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
# Touched after a successful install; pip runs again when the dependencies change.
INSTALLED := $(VENV)/.installed

.DEFAULT_GOAL := test
.PHONY: test run bench lock format

# uv installs the same pins as pip would, in ~10 s instead of pip's ~50 s (most of
# make test's setup from a fresh clone: unpacking TensorFlow's 620 MB wheel). The
# bytecode is compiled at install: without it every test process would compile
# TensorFlow's sources again at import (~3 s more each) when PYTHONDONTWRITEBYTECODE is set.
UV_VERSION ?= 0.13.9
$(INSTALLED): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q uv==$(UV_VERSION)
	$(BIN)/uv pip install --python $(BIN)/python --compile-bytecode -c constraints.txt -e '.[dev]'
	touch $@

# mypy runs beside the tests, which leave part of the second core idle; its report is
# printed after theirs and either failing fails. Its cache lives outside the checkout, as
# uv's does (mypy checks every cached module against its source's hash): a fresh clone
# type-checks in 0.5 s instead of ~15 s of CPU taken from the tests (measured).
MYPY_CACHE_DIR ?= $(HOME)/.cache/gpt2desk-dev/mypy
test: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	@echo "$(BIN)/mypy gpt2desk & $(BIN)/pytest -n 2"; \
	$(BIN)/mypy --cache-dir "$(MYPY_CACHE_DIR)" gpt2desk > $(VENV)/mypy.log 2>&1 & types=$$!; \
	$(BIN)/pytest -n 2; tests=$$?; \
	wait $$types; typed=$$?; echo "mypy gpt2desk:"; cat $(VENV)/mypy.log; \
	test $$tests -eq 0 && test $$typed -eq 0

run: $(INSTALLED)
	$(BIN)/python -m gpt2desk.syscheck
	$(BIN)/python main.py $(ARGS)

bench: $(INSTALLED)
	$(BIN)/python bench/run.py $(ARGS)

# llama.cpp's CPU tools from the source package of llama-cpp-python (it bundles
# llama.cpp), built once under bench/.llamacpp (ignored by git) at low priority.
LLAMACPP_PY_VERSION ?= 0.3.36
LLAMACPP_JOBS ?= 2
LLAMACPP := bench/.llamacpp
LLAMACPP_SRC := $(LLAMACPP)/src/llama_cpp_python-$(LLAMACPP_PY_VERSION)/vendor/llama.cpp
LLAMACPP_BUILT := $(LLAMACPP)/build/built-$(LLAMACPP_PY_VERSION)
# Without AMX: ggml's AMX kernels crash on q8_0 files on the build machine (SIGSEGV in
# ggml_backend_amx_mul_mat, also with llama-quantize's own q8_0; llama.cpp issue 20824).
LLAMACPP_CFLAGS ?= $(if $(filter x86_64,$(shell uname -m)),-mno-amx-tile -mno-amx-int8 -mno-amx-bf16)
.PHONY: bench-llamacpp
$(LLAMACPP_SRC)/CMakeLists.txt:
	mkdir -p $(LLAMACPP)/src
	$(BIN)/python -m pip download --no-deps --no-binary :all: \
		llama-cpp-python==$(LLAMACPP_PY_VERSION) -d $(LLAMACPP)/src
	tar xzf $(LLAMACPP)/src/llama_cpp_python-$(LLAMACPP_PY_VERSION).tar.gz -C $(LLAMACPP)/src
	touch $@
$(LLAMACPP_BUILT): $(LLAMACPP_SRC)/CMakeLists.txt
	nice -n 19 cmake -S $(LLAMACPP_SRC) -B $(LLAMACPP)/build $(if $(shell command -v ninja),-G Ninja) \
		-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=ON \
		-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF \
		-DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF \
		-DCMAKE_C_FLAGS="$(LLAMACPP_CFLAGS)" -DCMAKE_CXX_FLAGS="$(LLAMACPP_CFLAGS)"
	nice -n 19 cmake --build $(LLAMACPP)/build -j $(LLAMACPP_JOBS) --target llama-bench llama-simple
	touch $@
bench-llamacpp: $(INSTALLED) $(LLAMACPP_BUILT)
	$(BIN)/python bench/llamacpp.py --bin $(LLAMACPP)/build/bin --gguf-py $(LLAMACPP_SRC)/gguf-py $(ARGS)

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# --all keeps setuptools (a dev dependency) pinned too; pip and uv (the installer) stay out.
lock: $(INSTALLED)
	$(BIN)/pip freeze --all --exclude-editable --exclude pip --exclude uv > constraints.txt.new
	mv constraints.txt.new constraints.txt
	touch $(INSTALLED)

# Linux desktop integration: the launcher entry and its icon for the current user.
# Needs the `gpt2desk` command on PATH (pip install .), or set EXEC to a full command.
XDG_DATA_HOME ?= $(HOME)/.local/share
EXEC ?= gpt2desk
.PHONY: install-desktop
install-desktop:
	install -d $(XDG_DATA_HOME)/applications $(XDG_DATA_HOME)/icons/hicolor/scalable/apps
	sed 's|^Exec=.*|Exec=$(EXEC)|' resources/gpt2desk.desktop > $(XDG_DATA_HOME)/applications/gpt2desk.desktop
	install -m 644 resources/icons/gpt2desk.svg $(XDG_DATA_HOME)/icons/hicolor/scalable/apps/gpt2desk.svg
	-update-desktop-database $(XDG_DATA_HOME)/applications 2>/dev/null

# UI translations: refresh the .ts from the tr() calls in gpt2desk/ui and the
# QT_TRANSLATE_NOOP marks of the core's messages (core/i18n.py), translate the new
# entries (e.g. in Qt Linguist), then compile the .qm that ship (all are committed).
# English is the source language; its .ts only holds the singular/plural forms of %n.
TS := resources/translations/gpt2desk_zh_TW.ts
TS_EN := resources/translations/gpt2desk_en.ts
TR_SOURCES = $(shell find gpt2desk -name "*.py" | sort)
.PHONY: translations
translations: $(INSTALLED)
	$(BIN)/pyside6-lupdate $(TR_SOURCES) -ts $(TS) -no-obsolete -locations none
	$(BIN)/pyside6-lupdate $(TR_SOURCES) -ts $(TS_EN) -pluralonly -source-language en \
		-target-language en -no-obsolete -locations none
	$(BIN)/pyside6-lrelease $(TS) -qm $(TS:.ts=.qm)
	$(BIN)/pyside6-lrelease $(TS_EN) -qm $(TS_EN:.ts=.qm)
