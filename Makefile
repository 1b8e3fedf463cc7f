# Habeas: `make run` starts it with demo data, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP_FLAGS ?= --quiet --disable-pip-version-check
HABEAS_DATA_DIR ?= $(CURDIR)/var
export HABEAS_DATA_DIR

.PHONY: run serve messages test test-sqlite test-postgres test-mutants lint bench bench-search bench-api bench-protection clean

# Running needs Habeas and its dependencies only; the test and lint tools (the
# `test` extra) come with the first target that uses them.
$(VENV)/.installed: pyproject.toml setup.py
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Habeas needs Python 3.11 or newer")'
	@scripts/test-services.sh gettext
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_FLAGS) -e .
	@scripts/install-fonts.sh
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install $(PIP_FLAGS) -e '.[test]'
	@touch $@

# The translations, compiled from habeas/locale/*/LC_MESSAGES/django.po (the .mo
# files are never committed; an editable install does not build them). From
# habeas/, since compilemessages compiles every locale/ directory below it.
messages: $(VENV)/.installed
	@scripts/test-services.sh gettext
	cd habeas && $(abspath $(BIN))/habeas compilemessages --verbosity 0

# The watcher (deadlines and notifications) runs beside the server and is
# stopped with it, however the server ends (Ctrl+C, a crash, a kill).
run: messages
	$(BIN)/habeas demo
	$(BIN)/habeas watch & watcher=$$!; \
	  trap 'kill $$watcher 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/habeas serve

serve: messages
	$(BIN)/habeas serve

# Every test, on SQLite and then on PostgreSQL (a throwaway server on loopback).
# With HABEAS_REQUIRE_POSTGRES=1 / HABEAS_REQUIRE_BROWSER=1 /
# HABEAS_REQUIRE_OFFICE=1 / HABEAS_REQUIRE_FONTS=1 (CI) a missing PostgreSQL,
# Chromium, LibreOffice or script font fails the run instead of skipping those
# tests. A missing Chromium or LibreOffice is named with the command that
# installs it, never installed from here (.ci/run installs them before calling
# make test); the fonts come with the install step above.
test: $(VENV)/.installed-test
	@scripts/test-services.sh chromium || [ "$$HABEAS_REQUIRE_BROWSER" != 1 ]
	@scripts/test-services.sh office || [ "$$HABEAS_REQUIRE_OFFICE" != 1 ]
	@scripts/test-services.sh postgres >/dev/null || [ "$$HABEAS_REQUIRE_POSTGRES" != 1 ]
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# The SQLite run also round-trips backups through PostgreSQL, so it starts the
# test server first when it can.
test-sqlite: $(VENV)/.installed-test messages
	@scripts/test-services.sh postgres >/dev/null 2>&1 || true
	HABEAS_DATA_DIR=$(CURDIR)/var/test $(BIN)/pytest

test-postgres: $(VENV)/.installed-test messages
	@url=$$(scripts/test-services.sh postgres | tail -n 1) || url=""; \
	if [ -z "$$url" ]; then \
	  if [ "$$HABEAS_REQUIRE_POSTGRES" = 1 ]; then echo "PostgreSQL could not be started" >&2; exit 1; fi; \
	  echo "PostgreSQL not available: skipping the PostgreSQL run (set HABEAS_REQUIRE_POSTGRES=1 to fail instead)"; \
	  exit 0; \
	fi; \
	echo "Running the suite on PostgreSQL ($$url)"; \
	HABEAS_DATA_DIR=$(CURDIR)/var/test HABEAS_DATABASE_URL=$$url \
	  HABEAS_EXPECT_DATABASE=postgresql $(BIN)/pytest

# Mutation check: each rule in scripts/mutants/*.toml broken in a copy of the tree
# must make its tests fail (SQLite; never edits this checkout).
test-mutants: $(VENV)/.installed-test
	$(BIN)/python scripts/mutants.py

# Style, the import layers, types (mypy: strict on lib, services, selectors and
# the access module; it loads the settings, so the data directory is var/ as for
# the rest), migrations, mutation rules that still apply, and every translation
# complete (msgfmt --check --statistics: no untranslated or fuzzy message).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/habeas makemigrations --check --dry-run
	$(BIN)/python scripts/mutants.py --check
	$(BIN)/python scripts/check_doc_paths.py
	$(BIN)/python scripts/check_translations.py

# Figures, not tests (bench/README.md). `bench` is the quick look (about 2 minutes);
# the two below seed 100,000 cases the first time (about 3 minutes) and take longer.
bench: $(VENV)/.installed-test
	$(BIN)/python bench/pages.py --cases 1000
	$(BIN)/python bench/api.py --cases 1000
	$(BIN)/python bench/documents_pdf.py

# The name search at 100,000 cases against 1,000, in one run (target: at most 1.5 times).
bench-search: $(VENV)/.installed-test
	$(BIN)/python bench/search.py --small 1000 --large 100000

# API list and read at 100,000 cases, over HTTP with a token (target: p95 under 50 ms).
bench-api: $(VENV)/.installed-test
	$(BIN)/python bench/api.py --cases 100000

# The watcher's protection step at 10,000 people at risk (targets: an idle pass under
# 0.2 s; 1,000 escalations in the outbox under 5 s; a missed check-in noticed within
# one watcher interval). Seeds the first time (about a minute).
bench-protection: $(VENV)/.installed-test
	$(BIN)/python bench/protection.py --people 10000 --due 1000

clean:
	rm -rf $(VENV) var/test
