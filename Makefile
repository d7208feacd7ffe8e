# The two commands: `make demo` and `make test`. Both create .venv and install what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := workbooks/examples/hampshire-2012

# Two installs into one .venv: `make demo` installs the engine and the demo's extra only (no test, add-in,
# server or Dask packages); `make test` adds the rest. Each stamp is remade when pyproject.toml changes.
# Quiet: PYTHONWARNINGS=ignore keeps setuptools' build-time notices (editable-install advice) off the
# first run, and pip's -qq its warnings about the machine's own index settings; errors still show.
DEMO_STAMP := $(VENV)/.installed-demo
STAMP := $(VENV)/.installed
INSTALL := PYTHONWARNINGS=ignore $(BIN)/python -m pip install -qq --disable-pip-version-check
DEMO_EXTRAS := demo
TEST_EXTRAS := demo,test,addin

.PHONY: demo test test-fast lint libreoffice workbooks bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(INSTALL) -e '.[$(DEMO_EXTRAS)]'
	touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(INSTALL) -e '.[$(TEST_EXTRAS)]'
	touch $@ $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/jwmodel consolidate $(EXAMPLE) -o out/consolidated.xlsx --json out/summary.json --model out/model.xlsx \
	    --appendix out/appendix.docx
	@echo
	@echo "East Herts and Stevenage (ILLUSTRATIVE figures). The plan starts in 2011/12, the year the business case is"
	@echo "built; years are counted from the shared services' start: year 1 is 2012/13."
	@echo "East Herts and Stevenage: what changes if North Herts joins from the start"
	$(BIN)/jwmodel compare workbooks/examples/east-herts-stevenage-2011 --with "*=EHC, SBC and NHDC" \
	    --base-name "Two councils" --name "With North Herts" --json out/east-herts-comparison.json
	@echo
	@echo "East Herts and Stevenage (ILLUSTRATIVE): North Herts joining in year 2 (2013/14); two councils share until"
	@echo "then, three from 2013/14"
	$(BIN)/jwmodel compare workbooks/examples/east-herts-stevenage-2011 --with "*=North Herts joins in 2013/14" \
	    --base-name "Two councils" --name "North Herts from 2013/14" --json out/east-herts-joins-2013.json
	@echo
	@echo "East Herts and Stevenage (ILLUSTRATIVE), North Herts joining in year 2, consolidated: ICT hosted by Stevenage"
	@echo "and recharged, and the lines that apply only if North Herts joins or only if it does not, year by year"
	$(BIN)/jwmodel consolidate workbooks/examples/east-herts-stevenage-2011 --option "*=North Herts joins in 2013/14" \
	    -o out/east-herts.xlsx --json out/east-herts.json
	@echo
	@echo "East Herts and Stevenage (ILLUSTRATIVE): the leaver statement if East Herts left after year 3 (2014/15),"
	@echo "North Herts having joined in year 2"
	$(BIN)/jwmodel leaver workbooks/examples/east-herts-stevenage-2011 --partner EHC --after 2014/15 \
	    --option "*=North Herts joins in 2013/14" -o out/east-herts-leaver.xlsx --json out/east-herts-leaver.json
	@echo
	@echo "Hampshire 2012 after approval (ILLUSTRATIVE returns): the benefits tracked against the approved version"
	@# exit status 2 is the tracker's "written, with returns late or in error" (the example has some): expected here
	$(BIN)/jwmodel track $(EXAMPLE)-monitoring/approved-version.json $(EXAMPLE)-monitoring/returns --as-of 2015-05-29 \
	    -o out/tracker.xlsx --json out/tracker.json || [ $$? -eq 2 ]
	@echo
	@echo "East Herts and Stevenage after year 1, 2012/13 (ILLUSTRATIVE actuals): the yearly true-up of the shares"
	$(BIN)/jwmodel true-up workbooks/examples/east-herts-stevenage-2011-actuals/approved-version.json \
	    workbooks/examples/east-herts-stevenage-2011-actuals -o out/true-up.xlsx --json out/true-up.json

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

# The Hampshire Summary as LibreOffice prints it, rendered to PNG for README.md and docs/consolidate.md.
.PHONY: docs-images
docs-images: $(STAMP) libreoffice
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[docs]'
	$(BIN)/python docs/render_summary.py --out docs/images
