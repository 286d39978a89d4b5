# ogi — the two commands a new user needs are `make run` and `make test`; both set everything up first.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
DATA ?= data

.PHONY: setup system-packages fonts distributed-packages airflow-init run ui test test-distributed fuzz bench clean

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	test -x $(UV) || $(VENV)/bin/pip install -q uv
	$(UV) pip install -q --python $(PY) -r requirements.lock
	$(UV) pip install -q --python $(PY) --no-deps -e .
	touch $@

# Debian packages, installed when missing (root on these machines): LibreOffice converts DOC/WPS/ODT and renders
# the PDF test fixtures; Chromium runs the browser test of the quality pages in the Airflow UI; Tesseract
# (Simplified Chinese) is OCR's second reader and the OCR benchmark's baseline engine.
system-packages:
	@missing=""; command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx chi_sim \
	  || missing="$$missing tesseract-ocr tesseract-ocr-chi-sim"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q $$missing; \
	  else echo "install:$$missing (sudo apt-get install$$missing)" >&2; exit 1; fi; fi

# The CJK fonts test fixtures are rendered with (tests/fonts.py), unpacked from Debian's packages into the
# virtual environment, one family per directory: the host's own fonts never change a fixture's layout.
FONTS := $(VENV)/fixture-fonts
FONT_FILES := fonts-wqy-microhei:wqy-microhei:wqy-microhei.ttc fonts-arphic-uming:ar-pl-uming:uming.ttc
$(FONTS)/.installed:
	rm -rf $(FONTS) && mkdir -p $(FONTS)/deb
	cd $(FONTS)/deb && { apt-get download $(foreach f,$(FONT_FILES),$(word 1,$(subst :, ,$(f)))) 2>/dev/null \
	  || { [ "$$(id -u)" = 0 ] && apt-get update -q >/dev/null \
	       && apt-get download $(foreach f,$(FONT_FILES),$(word 1,$(subst :, ,$(f)))); }; }
	for deb in $(FONTS)/deb/*.deb; do dpkg-deb -x $$deb $(FONTS)/deb/root; done
	@for f in $(FONT_FILES); do set -- $$(echo $$f | tr : ' '); mkdir -p $(FONTS)/$$2; \
	  find $(FONTS)/deb/root -name $$3 -exec mv {} $(FONTS)/$$2/ \; ; test -f $(FONTS)/$$2/$$3; done
	rm -rf $(FONTS)/deb
	touch $@

fonts: $(FONTS)/.installed


# A CJK font for the browser test's Chromium alone, unpacked into the venv from Debian's package (not installed
# system-wide: nothing else on the host should see it).
BROWSER_FONTS := $(abspath $(VENV))/fonts
$(BROWSER_FONTS)/fonts.conf:
	rm -rf $(BROWSER_FONTS).tmp && mkdir -p $(BROWSER_FONTS).tmp
	cd $(BROWSER_FONTS).tmp && { apt-get download -q fonts-wqy-microhei 2>/dev/null \
	  || { apt-get update -q && apt-get download -q fonts-wqy-microhei; }; }
	dpkg-deb -x $(BROWSER_FONTS).tmp/fonts-wqy-microhei_*.deb $(BROWSER_FONTS).tmp/root
	printf '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n<dir>%s/root/usr/share/fonts</dir>\n<cachedir>%s/cache</cachedir>\n</fontconfig>\n' \
	  $(BROWSER_FONTS) $(BROWSER_FONTS) > $(BROWSER_FONTS).tmp/fonts.conf
	rm -rf $(BROWSER_FONTS) && mv $(BROWSER_FONTS).tmp $(BROWSER_FONTS)

setup: $(VENV)/.installed system-packages fonts $(BROWSER_FONTS)/fonts.conf


# Airflow on SQLite with the LocalExecutor, the DAGs and plugins of this checkout, the API server on 127.0.0.1 only.
AIRFLOW_HOME ?= $(CURDIR)/airflow_home
AIRFLOW_ENV := PATH=$(abspath $(VENV))/bin:$$PATH AIRFLOW_HOME=$(AIRFLOW_HOME) AIRFLOW__CORE__DAGS_FOLDER=$(CURDIR)/dags \
	AIRFLOW__CORE__PLUGINS_FOLDER=$(CURDIR)/plugins \
	AIRFLOW__CORE__LOAD_EXAMPLES=False AIRFLOW__CORE__EXECUTOR=LocalExecutor AIRFLOW__API__HOST=127.0.0.1 \
	AIRFLOW__CORE__PARALLELISM=4 OGI_DATA=$(abspath $(DATA))
AIRFLOW := $(AIRFLOW_ENV) $(VENV)/bin/airflow

airflow-init: setup
	@mkdir -p $(AIRFLOW_HOME) $(DATA)
	$(AIRFLOW) db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || { tail -30 $(AIRFLOW_HOME)/db-migrate.log; exit 1; }
	$(AIRFLOW) pools set ogi_fetch 4 "fetch tasks at once (batches keep one host together)" > /dev/null
	$(AIRFLOW) pools set ogi_ocr 1 "scanned reports read by OCR at once (about 0.5 GB each)" > /dev/null

# The nightly DAG once, end to end, over the bundled sample sources; then the marts DAG it triggers.
run: airflow-init
	@echo "running ogi_annual_reports (log: $(DATA)/last-run.log)"
	@$(AIRFLOW) dags test ogi_annual_reports > $(DATA)/last-run.log 2>&1 || { tail -60 $(DATA)/last-run.log; exit 1; }
	@$(AIRFLOW) dags test ogi_marts >> $(DATA)/last-run.log 2>&1 || { tail -60 $(DATA)/last-run.log; exit 1; }
	@$(AIRFLOW_ENV) $(VENV)/bin/ogi status
	@echo "Airflow UI: make ui   (airflow standalone over $(AIRFLOW_HOME), on http://127.0.0.1:8080)"

# The Airflow UI and scheduler over the same home (nightly runs at 02:00 Asia/Shanghai).
ui: airflow-init
	$(AIRFLOW) standalone

test: setup
	$(PY) -m pytest -q

# Coverage-guided fuzzing (atheris) of every reader and the grammar, seeded with the corpus and synthetic reports,
# for FUZZ_SECONDS in all; a crash is saved under .fuzz/findings/ and fails the target (see fuzz/__main__.py).
FUZZ_SECONDS ?= 600
fuzz: setup
	$(PY) -m fuzz --seconds $(FUZZ_SECONDS)

# Postgres, Redis and docker-compose (to validate the compose file) from Debian; root on these machines.
distributed-packages:
	@missing=""; command -v pg_ctlcluster >/dev/null || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v docker-compose >/dev/null || missing="$$missing docker-compose"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q $$missing; \
	  else echo "install:$$missing (sudo apt-get install$$missing)" >&2; exit 1; fi; fi

# The compose topology from real processes on 127.0.0.1 (see tests/distributed/cluster.py).
test-distributed: setup distributed-packages
	$(PY) -m pytest -q -m distributed tests/distributed

bench: setup
	$(UV) pip install -q --python $(PY) -r bench/requirements.lock   # Camelot, a baseline
	$(PY) -m bench.extraction
	$(PY) -m bench.baselines
	$(PY) -m bench.validation
	$(PY) -m bench.pipeline
	$(PY) -m bench.variety
	$(PY) -m bench.workers
	$(PY) -m bench.quality_views
	$(PY) -m bench.ocr
	$(PY) -m bench.report

clean:
	rm -rf $(VENV) $(DATA) $(AIRFLOW_HOME) .pytest_cache build *.egg-info
