# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test drills bench lint format install install-dev catalogues messages demo demo-code clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The translations: every app's locale/zh_Hans/LC_MESSAGES/django.po compiled to its
# .mo with Babel (society/catalogues.py), so no GNU gettext is needed to run or test.
catalogues: install
	$(BIN)/python -m society.catalogues compile

# The Nu HTML checker for the accessibility crawl (tests/browser/crawl.py, the same
# pinned version): from the npm registry's vnu-jar package into var/. It runs on Java.
VNU_VERSION := 26.9.27
VNU_JAR := var/vnu-jar-$(VNU_VERSION)/vnu.jar
$(VNU_JAR):
	mkdir -p $(dir $@)
	curl -fsSL https://registry.npmjs.org/vnu-jar/-/vnu-jar-$(VNU_VERSION).tgz \
		| tar -xz -C $(dir $@) --strip-components=3 package/build/dist/vnu.jar

# After changing strings: refresh the .po files from the code and templates (needs
# GNU gettext's xgettext), translate what is new, and `make test` checks none is missing.
messages: install-dev
	DEBUG=true $(BIN)/python manage.py makemessages --locale zh_Hans --no-obsolete --add-location file \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'docs/*' --ignore 'deploy/*'
	sed -i '/^"POT-Creation-Date: /d' */locale/*/LC_MESSAGES/django.po  # no churn in git for a date

# Embedded defaults: SQLite under var/, tasks in-process, email printed here.
run: export DEBUG ?= true
run: export PORT := $(PORT)
run: install catalogues
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py devserver --port $(PORT)

demo: install catalogues
	DEBUG=true $(BIN)/python manage.py load_demo

# The current two-factor code of a demo committee or admin account: make demo-code EMAIL=priya@demo.ac.uk
demo-code: install
	DEBUG=true $(BIN)/python manage.py demo_code $(EMAIL)

# The whole suite. Uses DATABASE_URL and REDIS_URL when set (see .ci/run);
# tests needing a server the machine lacks are skipped with a reason.
# First everything but the fault drills, in parallel; then the drills, one at a
# time (each starts servers of its own and times faults against them).
# Exit status 5 is "no test selected": PYTEST_ARGS may select no drill.
test: export SECRET_KEY ?= test-only-secret-key-not-for-production-use-0123456789
test: install-dev catalogues $(VNU_JAR)
	$(BIN)/pytest -n auto -m "not drill" $(PYTEST_ARGS)
	$(BIN)/pytest -m drill $(PYTEST_ARGS) || [ $$? -eq 5 ]

# The fault drills alone (tests/integration/drills/, pytest mark drill).
drills: export SECRET_KEY ?= test-only-secret-key-not-for-production-use-0123456789
drills: install-dev catalogues
	$(BIN)/pytest -m drill --durations=0 $(PYTEST_ARGS)

# Throughput beside a baseline, as ratios (needs PostgreSQL and Redis; see bench/README.md).
bench: install-dev catalogues
	$(BIN)/python bench/run.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var
	find . -path ./.venv -prune -o -name '*.mo' -path '*/locale/*' -print -delete
