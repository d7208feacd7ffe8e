"""Imported plainly (no xlwings runtime, or no xlwings at all) the functions are plain Python
callables; and the conversions every runtime relies on, called as a Python user or classic xlwings
would call them (floats, datetimes, flat lists, scalars)."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault(
    "XLWINGS_ON_SERVER", "true"
)  # as the other add-in tests; the plain import runs in a fresh interpreter
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402
from jwaddin.functions import (
    FunctionInputError,
    jw_apportion,
    jw_by_partner,
    jw_check_total,
    jw_savings_summary,
    jw_shares,
)  # noqa: E402


def fresh_python(code: str, *, block_xlwings: bool = False) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    prelude = "import sys; sys.modules['xlwings'] = None\n" if block_xlwings else ""
    done = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, env=env, check=True)
    return done.stdout.strip()


PLAIN = (
    "import jwaddin.functions as f, inspect\n"
    "print(all(inspect.isfunction(g) and not inspect.iscoroutinefunction(g) for g in (f.jw_shares, "
    "f.jw_apportion, f.jw_savings_summary, f.jw_by_partner, f.jw_check_total)))\n"
    "print(f.jw_shares([1314, 333, 3253]), f.jw_apportion(-10, [27, 7, 66]))\n"
    "try:\n    f.jw_shares(['x'])\nexcept ValueError as e:\n    print(type(e).__name__, e)\n"
)


def test_with_xlwings_but_no_runtime_the_functions_are_plain_callables():
    out = fresh_python("import xlwings; print(xlwings.on_server)\n" + PLAIN)
    assert out.splitlines() == [
        "False",
        "True",
        "[[27, 7, 66]] [[-2.7, -0.7, -6.6]]",
        "FunctionInputError weights, item 1: expected a number such as 1234.5, -56 or (56), got 'x'",
    ]


def test_without_xlwings_installed_the_functions_still_work():
    out = fresh_python(PLAIN, block_xlwings=True)
    assert out.splitlines()[1:] == [
        "[[27, 7, 66]] [[-2.7, -0.7, -6.6]]",
        "FunctionInputError weights, item 1: expected a number such as 1234.5, -56 or (56), got 'x'",
    ]


def test_classic_floats_flat_lists_and_scalars_are_all_accepted():
    assert jw_shares([1314.0, 333.0, 3253.0]) == [[27, 7, 66]]
    assert jw_shares(5) == [[100]]
    assert jw_shares([[1], [None], [1]], 0) == [[50], [None], [50]]
    assert jw_apportion("(10)", [[27], [7], [66]]) == [[-2.7], [-0.7], [-6.6]]
    assert jw_apportion(None, [1, 1]) == [[0, 0]]  # an empty amount is nothing to split


def test_a_date_where_a_number_belongs_is_refused_with_a_message():
    with pytest.raises(
        FunctionInputError, match=r"weights, item 2: expected a number, got a date or time \(2012-04-01"
    ):
        jw_shares([1, dt.datetime(2012, 4, 1)])


def test_ties_go_to_the_earlier_cell_whatever_the_number_of_cells():
    assert jw_shares([1, 1, 1]) == [[34, 33, 33]]
    assert sum(jw_shares([1] * 12)[0]) == 100


def test_check_total_adds_a_block_and_says_ok_or_the_difference():
    assert jw_check_total([[1, 2], [3, None]], 6) == "OK"
    assert jw_check_total([1.5, "2"], 10) == 6.5
    with pytest.raises(FunctionInputError, match="values, row 1, column 2"):
        jw_check_total([[1, "abc"]], 1)


def test_tables_need_their_headers_and_the_message_says_which_reference_to_use():
    with pytest.raises(FunctionInputError, match=r"SavingLinesTable\[#All\]"):
        jw_savings_summary([["Facilities Management", "x", "cashable staffing", -30, -40]])


SAVINGS = [
    [
        "Service area",
        "Description",
        "Category",
        "Low (£000s)",
        "High (£000s)",
        "Sole bearer",
        "Only if partner participates",
        "Notes",
    ],
    ["FM", "Staff", "cashable staffing", -30, -40, None, None, None],
    ["FM", "Manager", "additional cost", 20, 16, None, None, None],
    [None, None, None, None, None, None, None, None],
    ["Legal", "Outsourced work", "Cashable non-staff", "(8)", "-11", None, None, None],
]
RULES = [
    [
        "Service area",
        "Option",
        "Partners",
        "Default",
        "In use",
        "Method",
        "Driver",
        "Sole bearer",
        "Minimum %",
        "% A",
        "% B",
        "Notes",
    ],
    ["FM", "All", "A, B", "Yes", None, "share of baseline", None, None, 1, None, None, None],
    ["Legal", "All", "A, B", "Yes", None, "fixed percentages", None, None, None, 25, 75, None],
]
BASELINE = [["Partner", "Service area", "Net baseline (£000s)", "FTE"], ["A", "FM", 100, 1], ["B", "FM", 300, 3]]


def test_summary_and_by_partner_from_small_tables():
    summary = jw_savings_summary(SAVINGS, RULES)
    assert summary[0][:3] == ["Service area", "Cashable low", "Cashable high"]
    assert summary[1] == ["FM", -10, -24, 0, 0, -10, -24, 0, 0]
    assert summary[2] == ["Legal", -8, -11, 0, 0, -8, -11, 0, 0]
    assert summary[3] == ["Total", -18, -35, 0, 0, -18, -35, 0, 0]
    by_partner = jw_by_partner(SAVINGS, RULES, BASELINE)
    assert by_partner[0] == [
        "Service area",
        "A low",
        "A high",
        "B low",
        "B high",
        "All partners low",
        "All partners high",
    ]
    assert by_partner[1] == ["FM", -2.5, -6, -7.5, -18, -10, -24]
    assert by_partner[2] == ["Legal", -2, -2.75, -6, -8.25, -8, -11]


OWN = [
    ["Service area", "Description", "Category", "Low (£000s)", "High (£000s)", "Applies if", "Own split"],
    ["FM", "Staff", "cashable staffing", -30, -40, None, "fixed: A 10%, B 90%"],
    ["FM", "Manager", "additional cost", 20, 16, "B joins", None],
    ["FM", "Two-way contract", "cashable non-staff", -100, -100, "B does not join", None],
]


def test_a_lines_own_split_and_condition_are_read_as_the_templates_reader_reads_them():
    by_partner = jw_by_partner(OWN, RULES, BASELINE)
    # Staff, own split 10/90: A -3/-4, B -27/-36. Manager, the service's 25/75 (baseline 100/300): A 5/4,
    # B 15/12. The two-way contract applies only if B does not join, and B joins: not counted.
    # A: -3 + 5 = 2, -4 + 4 = 0; B: -27 + 15 = -12, -36 + 12 = -24; all: -10/-24.
    assert by_partner[1] == ["FM", 2, 0, -12, -24, -10, -24]


def test_a_condition_that_does_not_read_names_the_row_and_column():
    bad = [OWN[0], ["FM", "Staff", "cashable staffing", -30, -40, "B jions", None]]
    with pytest.raises(FunctionInputError, match=r"savings_table, row 1: Applies if: 'B jions' is not a condition"):
        jw_savings_summary(bad)


def test_a_bad_category_names_the_row_and_the_choices():
    bad = [SAVINGS[0], ["FM", "Staff", "staffing", -30, -40]]
    with pytest.raises(
        FunctionInputError, match=r"savings_table, row 1, Category: 'staffing' is not one of: cashable staffing"
    ):
        jw_savings_summary(bad)


def test_the_lite_wheel_is_pure_python_and_works_without_xlwings_or_calamine(tmp_path):
    import runpy
    import zipfile

    build = runpy.run_path(
        str(__import__("pathlib").Path(__file__).resolve().parents[2] / "addin" / "lite" / "build_wheel.py")
    )["build"]
    wheel = build(tmp_path / "dist")
    assert wheel.name == "jwmodel_lite-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        metadata = zf.read("jwmodel_lite-0.1.0.dist-info/METADATA").decode()
        zf.extractall(tmp_path / "site")
    assert "jwaddin/functions.py" in names and "jwmodel/money.py" in names
    assert "calamine" not in metadata.lower() and "Requires-Dist: openpyxl==3.1.5" in metadata
    assert build(tmp_path / "again").read_bytes() == wheel.read_bytes()  # reproducible
    code = (
        f"import sys; sys.path.insert(0, {str(tmp_path / 'site')!r}); sys.modules['xlwings'] = None; "
        "sys.modules['python_calamine'] = None\n"
        "import jwaddin.functions as f; assert f.__file__.startswith(sys.path[0])\n"
        "print(f.jw_shares([[430, 21, 4091]]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    out = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.strip()
    assert out == "[[9, 1, 90]]"
