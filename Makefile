# tlspy: the two commands a newcomer needs are `make demo` and `make test`.
# Everything is set up in a local virtualenv (.venv) on first use.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SECONDS ?= 30
STAMP := $(VENV)/.installed-$(shell cksum requirements-dev.txt | cut -d' ' -f1)
CSRC := $(wildcard nocrypto/csrc/*.c nocrypto/csrc/*.h) nocrypto/_build.py
NATIVE := build/.native-stamp

.PHONY: all setup build test pytest ct lint bench demo fuzz clean

all: build

$(STAMP): requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	# Put this checkout on the venv's path, so `.venv/bin/python` imports
	# nocrypto and tlspy from any directory.
	$(PY) -c "import os, site; open(os.path.join(site.getsitepackages()[0], 'tlspy-checkout.pth'), 'w').write(os.getcwd() + '\n')"
	touch $@

setup: $(STAMP)

$(NATIVE): $(STAMP) $(CSRC)
	$(PY) nocrypto/_build.py
	mkdir -p build && touch $@

build: $(NATIVE)

# The whole suite: unit/property tests, constant-time checks, lint.
test: pytest ct lint

pytest: build
	rm -rf build/limbo-table.txt build/interop-table.txt build/interop
	$(PY) -m pytest -q -n 2 || { cat build/interop-table.txt 2>/dev/null; exit 1; }
	@cat build/limbo-table.txt
	@cat build/interop-table.txt

ct: build
	$(PY) tests/ct/run.py

lint: build
	$(PY) -m ruff check nocrypto tlspy tests bench interop
	$(PY) -m mypy

bench: build
	$(PY) -m bench $(BENCH)

demo: build
	$(PY) -m tlspy demo

# Every atheris harness in tests/fuzz for SECONDS each; prints executions.
fuzz: build
	$(PY) -m tests.fuzz.run $(SECONDS)

clean:
	rm -rf build nocrypto/_native*.so tests/ct/bin .pytest_cache .mypy_cache .ruff_cache .hypothesis
