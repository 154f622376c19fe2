# Two commands do everything on a fresh machine:
#   make run    set up .venv, then run the whole pipeline on the bundled sample data
#   make test   set up .venv, then run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: setup run test dev sample lint clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

run: setup
	$(BIN)/customer-master run

test: setup
	$(BIN)/python -m pytest

dev: setup
	$(BIN)/customer-master dev

# Re-make the bundled sample exports (deterministic: same files every time).
sample: setup
	$(BIN)/python data/generate_sample.py --people 300 --seed 20241103 --out data/sources --truth data/sample_truth.csv

lint: setup
	$(BIN)/ruff check pipelines assets validators matching tests

clean:
	rm -rf output .pytest_cache
