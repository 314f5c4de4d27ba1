# Two commands on a fresh machine: `make run` and `make test`.
VENV   := .venv
PYTHON := $(VENV)/bin/python
PORT   ?= 8501
ADDRESS ?= 127.0.0.1
TEST_WORKERS ?= 2

.PHONY: run test test-fast lint checkpoints clean

$(VENV)/.runtime: requirements.txt
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements-cluster.txt requirements.txt $(VENV)/.runtime
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -r requirements-cluster.txt
	touch $@

## make run: serve the app at http://localhost:$(PORT) on the shipped checkpoints, CPU by default
run: $(VENV)/.runtime
	SEQVIZ_DEVICE=$${SEQVIZ_DEVICE:-cpu} $(PYTHON) -m streamlit run app.py \
		--server.port $(PORT) --server.address $(ADDRESS) --browser.gatherUsageStats false

## make test: the whole suite: lint; every test file on $(TEST_WORKERS) workers (one file per worker at a
## time: the unit, page and browser tiers mixed), then the files that must run alone (tests/conftest.py)
test: $(VENV)/.dev
	$(PYTHON) -m ruff check .
	$(PYTHON) -m pytest -q -n $(TEST_WORKERS) --dist loadfile -m "not solo"
	$(PYTHON) -m pytest -q -m solo

## make test-fast: the unit tier alone (no Streamlit run, no browser), for quick loops while editing
test-fast: $(VENV)/.dev
	$(PYTHON) -m pytest -q tests/unit

lint: $(VENV)/.dev
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts

## make checkpoints: retrain every shipped checkpoint (about 15 minutes on 2 CPU cores)
checkpoints: $(VENV)/.runtime
	$(PYTHON) -m seqviz.build_checkpoints
