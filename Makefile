# ogi — the two commands a new user needs are `make run` and `make test`; both set everything up first.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
DATA ?= data

.PHONY: setup system-packages run test bench clean

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	test -x $(UV) || $(VENV)/bin/pip install -q uv
	$(UV) pip install -q --python $(PY) -r requirements.lock
	$(UV) pip install -q --python $(PY) --no-deps -e .
	touch $@

# LibreOffice converts DOC/WPS/ODT and renders the PDF test fixtures (Debian package; root on these machines).
system-packages:
	@command -v soffice >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q libreoffice-writer-nogui; \
	  else echo "install LibreOffice: sudo apt-get install libreoffice-writer-nogui" >&2; exit 1; fi; }

setup: $(VENV)/.installed system-packages

run: setup
	$(VENV)/bin/ogi extract --parquet $(DATA)/extracted tests/data/corpus/real
	@echo "extracted: $(DATA)/extracted/reports.parquet, $(DATA)/extracted/cells.parquet"

test: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) bench/extraction.py
	$(PY) bench/validation.py
	$(PY) bench/report.py

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache build *.egg-info
