"""The consolidation script run through xlwings' own script call, on the workbook as Office.js sends
it: the actions it sends back, applied to the workbook, give the model filled from the returns."""

from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import asyncio  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import jwaddin.scripts  # noqa: E402
import openpyxl  # noqa: E402
import pytest  # noqa: E402
import xlwings as xw  # noqa: E402
import xlwings.server  # noqa: E402
from jwaddin.offline import _Book, book_json  # noqa: E402

from jwmodel.consolidation import consolidate  # noqa: E402
from jwmodel.examples import hampshire_2012  # noqa: E402
from jwmodel.excel.model_workbook import write_model_workbook  # noqa: E402
from jwmodel.model import Programme  # noqa: E402
from tests.conftest import HAMPSHIRE_DIR  # noqa: E402


def run_script(path: Path, folder: str, *, root: Path | None) -> list[dict]:
    """The script's actions on the workbook at ``path`` with ``folder`` in 'Read me'!B6, on this
    xlwings Server (tests run in its mode) set up with JWADDIN_RETURNS_ROOT = ``root`` (None: unset)."""
    book = xw.Book(json=book_json(path, set_values={("Read me", 5, 1): folder}))
    with pytest.MonkeyPatch.context() as env:
        if root is None:
            env.delenv("JWADDIN_RETURNS_ROOT", raising=False)
        else:
            env.setenv("JWADDIN_RETURNS_ROOT", str(root))
        done = asyncio.run(
            xlwings.server.custom_scripts_call(
                jwaddin.scripts, "jw_consolidate_returns", typehint_to_value={xw.Book: book}
            )
        )
    return done.json()["actions"]


def apply(path: Path, actions: list[dict]) -> dict[str, dict[tuple[int, int], object]]:
    """What Excel would hold after running the actions: cell -> value or formula, by sheet."""
    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    cells = {
        ws.title: {(c.row - 1, c.column - 1): c.value for row in ws.iter_rows() for c in row if c.value is not None}
        for ws in wb.worksheets
    }
    tables = {ws.title: {t.name: t.ref for t in ws.tables.values()} for ws in wb.worksheets}
    for a in actions:
        sheet = names[a["sheet_position"]] if a["sheet_position"] is not None else None
        if a["func"] in ("setValues", "setFormula"):
            for i, row in enumerate(a["values"]):
                for j, value in enumerate(row):
                    cells[sheet][(a["start_row"] + i, a["start_column"] + j)] = value
        elif a["func"] == "rangeClearContents":
            for r in range(a["start_row"], a["start_row"] + a["row_count"]):
                for c in range(a["start_column"], a["start_column"] + a["column_count"]):
                    cells[sheet].pop((r, c), None)
        elif a["func"] == "sheetClearContents":
            cells[sheet].clear()
        elif a["func"] == "resizeTable":
            name = list(tables[sheet])[a["args"][0]]
            tables[sheet][name] = a["args"][1].replace("$", "")
        elif a["func"] != "calculate":
            raise AssertionError(f"unexpected action {a['func']}")
    return {"cells": cells, "tables": tables}  # type: ignore[return-value]


def cleaned(cells: dict[tuple[int, int], object]) -> dict[tuple[int, int], object]:
    return {
        k: (int(v) if isinstance(v, float) and v.is_integer() else v) for k, v in cells.items() if v not in ("", None)
    }


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A blank model workbook, the script run on it with the Hampshire returns, and the
    workbook the code writes for the same example (what the script should have produced)."""
    root = tmp_path_factory.mktemp("script")
    blank = write_model_workbook(root / "blank.xlsx", Programme(), consolidate(Programme()))
    actions = run_script(blank, HAMPSHIRE_DIR.name, root=HAMPSHIRE_DIR.parent)
    expected = write_model_workbook(
        root / "expected.xlsx", hampshire_2012.programme(), consolidate(hampshire_2012.programme())
    )
    return blank, actions, apply(blank, actions), expected


def test_the_script_fills_every_input_table_with_the_returns(filled):
    blank, actions, after, expected = filled
    want = openpyxl.load_workbook(expected)
    for sheet in ("Partners", "Baseline", "Saving lines", "Rules", "Drivers", "One-off costs"):
        expected_cells = cleaned(
            {
                (c.row - 1, c.column - 1): c.value
                for row in want[sheet].iter_rows(min_row=4)
                for c in row
                if c.value is not None
            }
        )
        got = cleaned({k: v for k, v in after["cells"][sheet].items() if k[0] >= 3})
        assert got == expected_cells, sheet
        assert after["tables"][sheet] == {t.name: t.ref for t in want[sheet].tables.values()}, sheet


def test_the_script_rewrites_shares_and_checks_with_jw_formulas_for_the_partners_found(filled):
    blank, actions, after, expected = filled
    want = openpyxl.load_workbook(expected)
    for sheet in ("Shares", "Checks"):
        expected_cells = {}
        for row in want[sheet].iter_rows():
            for c in row:
                value = c.value.text if isinstance(c.value, openpyxl.worksheet.formula.ArrayFormula) else c.value
                if value is not None:
                    expected_cells[(c.row - 1, c.column - 1)] = value
        got = after["cells"][sheet]
        formulas = {k: v for k, v in expected_cells.items() if isinstance(v, str) and v.startswith("=")}
        assert {k: got.get(k) for k in formulas} == formulas, sheet
    assert any("JW_SHARES" in str(v) for v in after["cells"]["Shares"].values())


def test_the_script_reports_every_file_and_recalculates(filled):
    blank, actions, after, expected = filled
    control = after["cells"]["Read me"]
    assert control[(6, 1)] == (
        "Files: 10 seen = 8 accepted + 2 accepted with warnings + 0 used in part + 0 rejected + 0 "
        "superseded + 0 skipped"
    )
    from jwmodel.tables.outputs import SOURCES

    assert [control[(8, c)] for c in range(len(SOURCES.columns))] == list(SOURCES.headers())
    assert {control[(r, 3)] for r in range(9, 19)} == {"accepted", "accepted with warnings"}  # the Status column
    files = {control[(r, 0)] for r in range(9, 19)}
    assert files == {p.name for p in HAMPSHIRE_DIR.glob("*.xlsx")}
    assert actions[-1]["func"] == "calculate"


def test_the_script_writes_text_from_returns_as_text_never_as_a_formula(tmp_path):
    from jwaddin.scripts import _cell

    assert _cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert _cell("Legal Services") == "Legal Services"


def test_an_empty_folder_cell_says_where_to_put_the_folder(tmp_path):
    blank = write_model_workbook(tmp_path / "blank.xlsx", Programme(), consolidate(Programme()))
    status = apply(blank, run_script(blank, "", root=tmp_path))["cells"]["Read me"][(6, 1)]
    assert status.startswith("Not run: 'Read me'!B6 is empty: put there the folder")


def test_without_python_calamine_the_returns_read_the_same(tmp_path):
    """xlwings Lite has no python-calamine: the openpyxl stand-in gives the same consolidation."""
    code = (
        "import sys, json; sys.modules['python_calamine'] = None\n"
        "from jwaddin._xlsx_fallback import install; assert install()\n"
        "from jwaddin.scripts import consolidate_folder\n"
        "from jwmodel.summary import summary\n"
        f"p, r, s = consolidate_folder({str(HAMPSHIRE_DIR)!r})\n"
        "print(json.dumps(summary(r)['totals']))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    totals = json.loads(out)
    assert totals["recurring"] == {"low": -182, "high": -337} and totals["one_off"] == {"low": 96, "high": 124}
    _, real, _ = jwaddin.scripts.consolidate_folder(HAMPSHIRE_DIR)
    from jwmodel.summary import summary

    assert totals == summary(real)["totals"]
    assert _Book  # the offline reader is the one the other tests use


def test_the_script_puts_the_incomplete_banner_on_read_me(tmp_path, hampshire_folder):
    from tests.integration.test_outputs_and_usage import reversed_range

    reversed_range(hampshire_folder)
    (hampshire_folder / "broken.xlsx").write_bytes(b"PK\x03\x04 damaged")
    blank = write_model_workbook(tmp_path / "blank.xlsx", Programme(), consolidate(Programme()))
    control = apply(blank, run_script(blank, hampshire_folder.name, root=hampshire_folder.parent))["cells"]["Read me"]
    status = control[(6, 1)]
    assert status.startswith("INCOMPLETE: 2 files rejected, ") and "errors; see Findings. Files: 11 seen" in status
    statuses = {control[(r, 0)]: control[(r, 3)] for r in range(9, 20)}
    assert statuses["broken.xlsx"] == "rejected" and statuses["proposal-legal-services.xlsx"] != "accepted"
