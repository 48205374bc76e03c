# Two commands for a fresh machine: `make run` and `make test`. See README.md.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test bench install system-deps system-deps-build clean

$(STAMP): pyproject.toml
	bash scripts/install-system-deps.sh build
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test,bench]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

system-deps:
	bash scripts/install-system-deps.sh test

run: install
	$(VENV)/bin/muster serve

test: system-deps install
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -n 2 --dist loadgroup

bench: system-deps install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
