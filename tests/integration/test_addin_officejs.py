"""The functions as xlwings Server and Lite see them: xlwings' own registration and call path,
fed the exact payload Excel's Office.js client sends (every argument a 2D array, None for an empty
cell, whole numbers as int)."""

from __future__ import annotations

import os

# Office.js decorators are chosen when xlwings is first imported (see tests/test_addin_plain.py
# for the plain import, which runs in a fresh interpreter).
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import asyncio  # noqa: E402
import math  # noqa: E402
from decimal import Decimal  # noqa: E402

import jwaddin.functions  # noqa: E402
import pytest  # noqa: E402
import xlwings  # noqa: E402
import xlwings.server  # noqa: E402
from jwaddin.offline import payload  # noqa: E402

NAMES = {
    "JW_SHARES",
    "JW_APPORTION",
    "JW_SAVINGS_SUMMARY",
    "JW_BY_PARTNER",
    "JW_CHECK_TOTAL",
    "JW_FINDINGS",
    "JW_NPV",
    "JW_PAYBACK",
    "JW_SWITCHING_VALUE",
    "JW_OPTION_SCORES",
}


def call(name: str, *args: object) -> object:
    return asyncio.run(xlwings.server.custom_functions_call(payload(name, list(args)), jwaddin.functions))


def test_xlwings_runs_in_its_officejs_mode_here():
    assert xlwings.on_server is True
    assert xlwings.func is xlwings.server.func


def test_every_function_registers_with_its_parameters_and_help_and_no_namespace():
    meta = xlwings.server.custom_functions_meta(jwaddin.functions)
    functions = {f["name"]: f for f in meta["functions"]}
    assert set(functions) == NAMES  # no "XLWINGS." or other prefix: the same names as in classic
    shares = functions["JW_SHARES"]
    assert "100" in shares["description"] and "27/7/66" in shares["description"]
    assert [p["name"] for p in shares["parameters"]] == ["weights", "min_percent"]
    assert "optional" not in shares["parameters"][0] and shares["parameters"][1]["optional"] is True
    assert "empty cell" in shares["parameters"][0]["description"]
    assert [p["name"] for p in functions["JW_APPORTION"]["parameters"]] == ["amount", "weights", "decimals"]
    assert "£1" in functions["JW_APPORTION"]["parameters"][2]["description"]
    assert [p["name"] for p in functions["JW_BY_PARTNER"]["parameters"]] == [
        "savings_table",
        "rules_table",
        "baseline_table",
        "drivers_table",
    ]
    assert [p["name"] for p in functions["JW_CHECK_TOTAL"]["parameters"]] == ["values", "stated_total"]
    for f in functions.values():
        assert f["description"] and not f["description"].startswith("Python function")
        assert all(p["description"] and not p["description"].startswith("Positional argument") for p in f["parameters"])
        assert f["result"] == {"dimensionality": "matrix", "type": "any"}


def test_shares_of_the_fm_and_legal_baselines_are_the_published_splits():
    assert call("JW_SHARES", [[1314, 333, 3253]], None) == [[27, 7, 66]]
    assert call("JW_SHARES", [[430, 21, 4091]], None) == [[9, 1, 90]]


def test_a_column_of_weights_gives_a_column_of_shares():
    assert call("JW_SHARES", [[430], [21], [4091]], None) == [[9], [1], [90]]


def test_an_empty_cell_is_a_partner_not_taking_part_and_text_numbers_are_numbers():
    assert call("JW_SHARES", [[1452, None, 1637]], None) == [[47, "", 53]]
    assert call("JW_SHARES", [["1,314", "333", 3253.0]], [[1]]) == [[27, 7, 66]]


def test_the_minimum_percentage_holds_a_small_partner_up():
    assert call("JW_SHARES", [[1000, 1, 1]], [[5]]) == [[90, 5, 5]]


def test_apportioning_minus_ten_by_the_fm_shares():
    assert call("JW_APPORTION", [[-10]], [[27, 7, 66]], None) == [[-2.7, -0.7, -6.6]]


def test_a_hundred_split_three_ways_at_three_decimals_sums_to_exactly_a_hundred():
    shares = call("JW_APPORTION", [[100]], [[1, 1, 1]], [[3]])
    assert shares == [[33.334, 33.333, 33.333]]
    assert sum(Decimal(repr(x)) for x in shares[0]) == 100
    assert math.fsum(shares[0]) == 100


def test_apportion_at_whole_pounds_when_amounts_are_in_pounds():
    assert call("JW_APPORTION", [[1000]], [[1], [1], [1]], [[0]]) == [[334], [333], [333]]


def test_check_total_says_ok_or_the_difference():
    assert call("JW_CHECK_TOTAL", [[1452], [5967], [None]], [[7419]]) == [["OK"]]
    assert call("JW_CHECK_TOTAL", [[299, 1864, 77, 156, 333, 466, 21]], [[7514]]) == [[4298]]


def test_a_serial_date_arrives_as_a_number_and_counts_as_one():
    # Office.js sends a date-formatted cell as its serial number (41000 is 2012-04-01)
    assert call("JW_CHECK_TOTAL", [[41000]], [[41000]]) == [["OK"]]


def test_on_lite_and_server_a_date_cell_cannot_be_told_from_a_number_so_it_is_used_as_one():
    """What docs/excel-addin.md says: 1 and 2 January 2024 passed as weights are 45292 and 45293.

    Office.js sends a date-formatted cell as a plain number; the request carries the workbook's
    date format (``date_format``), not each cell's. Even a cell whose value carries its own number
    format (a FormattedNumber, as xlwings writes dates) reaches the function as the bare number:
    xlwings' Office.js reader keeps only its basicValue. So the add-in cannot refuse it there."""
    assert call("JW_SHARES", [[45292, 45293]], None) == [[50, 50]]
    formatted = [{"type": "FormattedNumber", "basicValue": v, "numberFormat": "dd/mm/yyyy"} for v in (45292, 45293)]
    assert call("JW_SHARES", [formatted], None) == [[50, 50]]
    # the body xlwings Server's own Office.js client posts: the only format in it is the workbook's
    import re
    from pathlib import Path

    import xlwings_server

    js = Path(xlwings_server.__file__).with_name("static") / "js" / "custom-functions" / "custom-functions-code.js"
    body = re.search(r"let body = \{(.*?)\n  \};", js.read_text(encoding="utf-8"), re.DOTALL).group(1)
    keys = set(re.findall(r"^\s{4}(\w+):", body, re.MULTILINE))
    assert keys == {
        "client",
        "func_name",
        "args",
        "caller_address",
        "session_id",
        "culture_info_name",
        "date_format",
        "version",
        "runtime",
    }


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("JW_SHARES", ([[1, "n/a", 3]], None), "weights, item 2: expected a number"),
        ("JW_SHARES", ([[None, None]], None), "every cell is empty"),
        ("JW_SHARES", ([[1, 2], [3, 4]], None), "one row or one column"),
        ("JW_SHARES", ([[1, 2, 3]], [[50]]), "cannot each have at least 50%"),
        ("JW_APPORTION", ([[0.0001]], [[1, 1]], None), r"^amount: .*round it to 0.001 first; e.g. =ROUND\(amount,3\)"),
        (
            "JW_APPORTION",
            ([[10]], [[0, None, 0]], None),
            "^weights: all weights are zero: there is no basis to split on$",
        ),
        ("JW_SHARES", ([[1, -1]], None), r"^weights, item 2: -1 is negative; weights must be 0 or more$"),
        ("JW_SWITCHING_VALUE", ([[-1]], [[5]], None, [[-2]]), "^payback_years: give 0 or more years, got -2$"),
        ("JW_APPORTION", ([[10]], [[1, 1]], [[2.5]]), "decimals: give a whole number from 0 to 9"),
        ("JW_CHECK_TOTAL", ([[1]], None), "stated_total: the cell is empty"),
        ("JW_SAVINGS_SUMMARY", ([["Service", "Low"], ["FM", 1]], None, None), "pass the whole table with its headers"),
    ],
)
def test_a_user_error_is_xlwings_own_error_with_a_message_saying_what_to_fix(name, args, message):
    with pytest.raises(xlwings.XlwingsError, match=message) as caught:
        call(name, *args)
    assert "Traceback" not in str(caught.value)


GREEN_BOOK = [[1000, *([-150] * 10)]]


def test_npv_payback_and_switching_value_give_the_engines_green_book_figures():
    from jwmodel.appraisal import payback_years, switching_value
    from jwmodel.discounting import npv_of_costs_and_savings

    flows = [Decimal(v) for v in GREEN_BOOK[0]]
    assert call("JW_NPV", GREEN_BOOK, None) == [[float(npv_of_costs_and_savings(flows).quantize(Decimal("0.001")))]]
    assert round(call("JW_NPV", GREEN_BOOK, None)[0][0]) == 247
    assert round(call("JW_NPV", [[1000, *([-100] * 10)]], None)[0][0]) == -168
    assert (
        call("JW_NPV", GREEN_BOOK, [["3.5%"]])
        == call("JW_NPV", GREEN_BOOK, [[0.035]])
        == call("JW_NPV", GREEN_BOOK, [[3.5]])  # as --discount 3.5 on the command line
        == call("JW_NPV", GREEN_BOOK, [["STPR"]])
    )
    assert call("JW_NPV", [[1000], [-600], [-600]], [[0]]) == [
        [200]
    ]  # at 0% the NPV is the plain sum, benefit positive
    assert call("JW_PAYBACK", GREEN_BOOK) == [[float(payback_years(flows).quantize(Decimal("0.0001")))]] == [[7.6667]]
    savings = [[0, *([-150] * 10)]]
    costs = [[1000, *([0] * 10)]]
    value = call("JW_SWITCHING_VALUE", savings, costs, None, None)[0][0]
    assert value == float(switching_value(savings[0], costs[0]).quantize(Decimal("0.0001")))
    assert round(value, 1) == 19.8
    assert call("JW_PAYBACK", [[100, 50]]) == [["not within these years"]]


def test_appraisal_functions_explain_bad_input():
    with pytest.raises(xlwings.XlwingsError, match="write '0.5%'"):
        call("JW_NPV", GREEN_BOOK, [[0.5]])  # 50% as Excel stores it: refused, 0.5% must carry its sign
    with pytest.raises(xlwings.XlwingsError, match="same number of years"):
        call("JW_SWITCHING_VALUE", [[-1, -1]], [[5]], None, None)
    with pytest.raises(xlwings.XlwingsError, match="year 2"):
        call("JW_NPV", [[1000, -5, "lots"]], None)


def test_option_scores_rank_the_options_and_find_where_the_best_one_changes():
    from jwmodel.appraisal import score_options, weight_sensitivity

    table = [
        ["Option", "Quality", "Resilience", "Efficiency"],
        ["Do nothing", 2, 1, 1],
        ["Shared service", 4, 4, 3],
        ["Outsource", 3, 2, 5],
        ["Joint venture", 3, 3, 3],
    ]
    weights = [[40, 30, 30]]
    result = call("JW_OPTION_SCORES", table, weights)
    options = {r[0]: r[1:] for r in result[1:5]}
    engine = {
        x.name: x
        for x in score_options(
            {r[0]: dict(zip(table[0][1:], r[1:], strict=True)) for r in table[1:]},
            dict(zip(table[0][1:], weights[0], strict=True)),
        )
    }
    assert options["Shared service"] == [float(engine["Shared service"].weighted_total.quantize(Decimal("0.0001"))), 1]
    assert options["Do nothing"][1] == 4
    efficiency = next(r for r in result if r[0] == "Efficiency")
    above = weight_sensitivity(
        {r[0]: dict(zip(table[0][1:], r[1:], strict=True)) for r in table[1:]},
        dict(zip(table[0][1:], weights[0], strict=True)),
        "Efficiency",
    ).nearest_top_change_above
    assert efficiency[2] == float(above.quantize(Decimal("0.01")))  # Outsource wins once efficiency weighs enough
    with pytest.raises(xlwings.XlwingsError, match="one weight per criterion"):
        call("JW_OPTION_SCORES", table, [[50, 50]])


def test_findings_come_back_with_the_findings_tables_columns_located_to_the_cell():
    """JW_FINDINGS gives the Findings table's columns (as the workbook, receipts and JSON do)."""
    savings = [
        ["Service area", "Description", "Category", "Low (£000s)", "High (£000s)"],
        ["Legal", "Shared team", "cashable staffing", -20, -11],  # the low estimate is the bigger saving
    ]
    rules = [
        ["Service area", "Option", "Partners", "Method", "% A", "% B"],
        ["Legal", "A and B", "A, B", "fixed percentages", 50, 50],
    ]
    baseline = [
        ["Partner", "Service area", "Net baseline (£000s)", "FTE"],
        ["A", "Legal", 100, 1],
        ["B", "Legal", 100, 1],
    ]
    rows = call("JW_FINDINGS", savings, rules, baseline)
    assert rows[0] == ["Severity", "Code", "File", "Sheet", "Cell", "Message", "Value"]
    codes = [r[1] for r in rows[1:]]
    assert "RANGE_NOT_ORDERED" in codes
    ordered = next(r for r in rows[1:] if r[1] == "RANGE_NOT_ORDERED")
    assert ordered[0] == "error" and ordered[5]  # a sentence saying what to fix
