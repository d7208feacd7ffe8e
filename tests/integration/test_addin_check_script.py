"""The check script (``jw_check_return``, the Read me's "Check one return" button) run through xlwings'
own script call on the model workbook as Office.js sends it, on this xlwings Server's rules."""

from __future__ import annotations

import asyncio
import os
import shutil

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import jwaddin.scripts  # noqa: E402
import pytest  # noqa: E402
import xlwings as xw  # noqa: E402
import xlwings.server  # noqa: E402
from jwaddin.offline import book_json  # noqa: E402

from jwmodel.consolidation import consolidate  # noqa: E402
from jwmodel.excel.model_workbook import write_model_workbook  # noqa: E402
from jwmodel.layout import CHECK_FILE_CELL, FOLDER_CELL, SCRIPT_BUTTONS, STATUS_CELL  # noqa: E402
from jwmodel.model import Programme  # noqa: E402
from jwmodel.tables.outputs import FINDINGS  # noqa: E402
from tests.conftest import HAMPSHIRE_DIR  # noqa: E402
from tests.integration.test_addin_scripts import apply  # noqa: E402


@pytest.fixture
def setup(tmp_path, monkeypatch):
    root = tmp_path / "returns"
    shutil.copytree(HAMPSHIRE_DIR, root / "2012")
    monkeypatch.setenv("JWADDIN_RETURNS_ROOT", str(root))
    blank = write_model_workbook(tmp_path / "blank.xlsx", Programme(), consolidate(Programme()))
    return root, blank


def check(blank, folder: str, file: str, *args: str) -> dict[tuple[int, int], object]:
    cells = {("Read me", *FOLDER_CELL): folder, ("Read me", *CHECK_FILE_CELL): file}
    book = xw.Book(json=book_json(blank, set_values=cells))
    done = asyncio.run(
        xlwings.server.custom_scripts_call(
            jwaddin.scripts, "jw_check_return", typehint_to_value={xw.Book: book}, args=list(args)
        )
    )
    return apply(blank, done.json()["actions"])["cells"]["Read me"]


def test_the_check_script_writes_the_status_and_each_finding_under_it(setup):
    root, blank = setup
    control = check(blank, "2012", "return-HFRS.xlsx")
    assert control[STATUS_CELL] == (
        "return-HFRS.xlsx: accepted with warnings (partner HFRS: 7 baseline rows and stated totals); 2 findings"
    )
    first = STATUS_CELL[0] + 2
    assert [control[(first, c)] for c in range(len(FINDINGS.columns))] == list(FINDINGS.headers())
    codes = {control[(first + 1, 1)], control[(first + 2, 1)]}
    assert codes == {"BASELINE_TOTAL_MISMATCH", "FTE_TOTAL_MISMATCH"}  # HFRS: 7,514 stated, 3,216 in its rows
    assert str(root) not in repr(control)


def test_a_file_named_by_the_task_pane_replaces_the_cell(setup):
    _, blank = setup
    control = check(blank, "2012", "", "return-HC.xlsx")
    assert control[STATUS_CELL].startswith("return-HC.xlsx: accepted (partner HC")


@pytest.mark.parametrize(
    ("file", "said"),
    [
        ("", "Not checked: 'Read me'!B8 is empty: put there the name of the return to check, e.g. return-HC.xlsx"),
        ("missing.xlsx", "Not checked: 'Read me'!B8: 'missing.xlsx' is not a file in that folder; give the return's"),
        ("../../payroll.xlsx", "Not checked: 'Read me'!B8: '../../payroll.xlsx' is outside the returns folder"),
    ],
)
def test_a_missing_or_outside_file_is_said_in_the_status(setup, file, said):
    root, blank = setup
    (root.parent / "payroll.xlsx").write_bytes(b"secret")
    assert check(blank, "2012", file)[STATUS_CELL].startswith(said)


def test_the_buttons_sit_beside_the_cells_they_read():
    assert SCRIPT_BUTTONS["jw_consolidate_returns"][1] == (FOLDER_CELL[0], FOLDER_CELL[1] + 1)
    assert SCRIPT_BUTTONS["jw_check_return"][1] == (CHECK_FILE_CELL[0], CHECK_FILE_CELL[1] + 1)
    assert jwaddin.scripts.button("jw_check_return") == "'Read me'!C8"
