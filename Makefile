# The two commands of the README:
#   make report   set up and write the full report on the bundled synthetic trial into report/
#   make test     set up (Python packages and R for the live cross-checks) and run lint, types, tests
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: setup report test lint r-deps reference golden baselines bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/.installed

report: setup
	$(BIN)/blina-stats report --out report

r-deps:
	bash scripts/install-r.sh

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: setup r-deps lint
	$(BIN)/python -m pytest

# Regenerate the committed R reference values (tests/reference/*.csv) from their R scripts.
reference: r-deps
	cd tests/reference && for f in *.R; do Rscript "$$f" || exit 1; done

# Regenerate the golden outputs after a deliberate change (see tests/golden/README.md).
golden: setup
	$(BIN)/blina-stats estimate src/blina_stats/synthetic/bundled/trial.csv --json > tests/golden/estimate_trial.json
	$(BIN)/blina-stats estimate src/blina_stats/synthetic/bundled/trial.csv --json --origin enrollment > tests/golden/estimate_trial_enrollment.json

# Regenerate the image-regression baselines after a deliberate change of a figure.
baselines: setup
	BLINA_REGENERATE_BASELINES=1 $(BIN)/python -m pytest -q tests/test_plots_regression.py

bench: setup r-deps
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/bench_estimators.py
	$(BIN)/python benchmarks/bench_design.py
	$(BIN)/python benchmarks/bench_scale.py

clean:
	rm -rf $(VENV) report .pytest_cache .mypy_cache .ruff_cache
