# The two commands: `make demo` and `make test`. Both create .venv and install what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE := workbooks/examples/hampshire-2012

.PHONY: demo test test-fast lint libreoffice workbooks bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,addin]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/jwmodel consolidate $(EXAMPLE) -o out/consolidated.xlsx --json out/summary.json --model out/model.xlsx
	@echo
	@echo "East Herts and Stevenage (ILLUSTRATIVE figures): what changes if North Herts joins"
	$(BIN)/jwmodel compare workbooks/examples/east-herts-stevenage-2011 --with "*=EHC, SBC and NHDC" \
	    --base-name "Two councils" --name "With North Herts" --json out/east-herts-comparison.json

test: $(STAMP) libreoffice
	$(BIN)/python -m pytest

# The fast layer (no LibreOffice, Dask or benchmark): seconds, for the edit-test loop. CI runs `make test`.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# LibreOffice headless opens, recalculates and re-saves our workbooks in the round-trip tests.
libreoffice:
	@command -v soffice >/dev/null 2>&1 || { \
	  echo "Installing LibreOffice (headless Calc) for the spreadsheet round-trip tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null; }

# Regenerate the committed templates, model workbook and worked-example returns.
workbooks: $(STAMP)
	$(BIN)/python -m jwmodel.excel.build_workbooks

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis

# The consolidation benchmark (bench/README.md): generates bench/data/realistic-n1000 and n1000 once (kept,
# git-ignored), then times jwmodel consolidate beside the naive pandas loop, a raw python-calamine read and unzipping.
bench: $(STAMP) libreoffice
	$(BIN)/python bench/run.py --n 1000
