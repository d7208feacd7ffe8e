"""A cell showing an Excel error (#N/A, #REF!, #SPILL!...) in any argument of any JW_ function is an
error result naming the argument and the cell, never an empty cell: through xlwings' Office.js call
path fed the Error values Excel sends, and as classic xlwings passes them (text for the seven COM
codes it knows, the COM code itself for the others)."""

from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import ast  # noqa: E402
import asyncio  # noqa: E402
import copy  # noqa: E402
import inspect  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import jwaddin.convert  # noqa: E402
import jwaddin.functions  # noqa: E402
import pytest  # noqa: E402
import xlwings  # noqa: E402
import xlwings.server  # noqa: E402
from jwaddin._runtime import FunctionInputError  # noqa: E402
from jwaddin.offline import _Book, jw_formulas, officejs_args, payload  # noqa: E402

from tests.conftest import WORKBOOKS  # noqa: E402

MODEL = WORKBOOKS / "joint_working_model.xlsx"

# Office.js ErrorCellValue: what Excel passes for a cell showing an error when the function's
# metadata says allowErrorForDataTypeAny (xlwings' does). errorType names from Office.js' enum.
OFFICE_ERRORS = {
    "#DIV/0!": "Div0",
    "#N/A": "NotAvailable",
    "#REF!": "Ref",
    "#VALUE!": "Value",
    "#NAME?": "Name",
    "#NULL!": "Null",
    "#NUM!": "Num",
    "#DATA!": "Value",  # xlwings lists #DATA! among the errors it blanks; Office.js has no own type for it
    "#SPILL!": "Spill",
    "#CALC!": "Calc",
    "#GETTING_DATA": "GettingData",
}


def error(text: str) -> dict[str, str]:
    return {"type": "Error", "basicType": "Error", "basicValue": text, "errorType": OFFICE_ERRORS[text]}


def call(name: str, *args: object) -> object:
    return asyncio.run(xlwings.server.custom_functions_call(payload(name, list(args)), jwaddin.functions))


def every_call() -> dict[str, list[object]]:
    """For each JW_ function, arguments that work, as Office.js sends them: the model workbook's own
    formulas for the table functions, the documented examples for the others."""
    book = _Book(MODEL)
    calls: dict[str, list[object]] = {}
    for formula in jw_formulas(MODEL):
        calls.setdefault(formula.name, officejs_args(MODEL, formula, book=book))
    tables = ("SavingLines", "Rules", "Baseline", "Drivers", "OneOffCosts", "Partners")
    calls["JW_FINDINGS"] = [book.resolve(f"{t}Table[#All]", "Summary") for t in tables]
    green_book = [[1000, *([-150] * 10)]]
    calls.update(
        {
            "JW_NPV": [green_book, [["3.5%"]]],
            "JW_PAYBACK": [green_book],
            "JW_SWITCHING_VALUE": [[[0, *([-150] * 10)]], [[1000, *([0] * 10)]], [["STPR"]], None],
            "JW_OPTION_SCORES": [[["Option", "Quality", "Cost"], ["A", 2, 1], ["B", 4, 4]], [[40, 60]]],
        }
    )
    calls.setdefault("JW_APPORTION", [[[-10]], [[27, 7, 66]], [[3]]])
    calls.setdefault("JW_SHARES", [[[1314, 333, 3253]], [[1]]])
    calls.setdefault("JW_CHECK_TOTAL", [[[1], [2]], [[3]]])
    return calls


EVERY_CALL = every_call()


def parameters(name: str) -> list[str]:
    return list(inspect.signature(getattr(jwaddin.functions, name.lower())).parameters)


def test_every_function_has_working_arguments_here():
    assert set(EVERY_CALL) == {f["name"] for f in xlwings.server.custom_functions_meta(jwaddin.functions)["functions"]}
    for name, args in EVERY_CALL.items():
        assert len(args) <= len(parameters(name)), name
        call(name, *args)  # raises if the arguments were not good ones


def test_every_argument_of_every_function_is_read_with_errors_as_text():
    for name in EVERY_CALL:
        info = getattr(jwaddin.functions, name.lower()).__xlfunc__
        assert [a["name"] for a in info["args"]] == parameters(name)
        assert all(a["options"].get("err_to_str") is True for a in info["args"]), name
    # the options the functions set themselves are kept beside it
    shares = jwaddin.functions.jw_shares.__xlfunc__["argmap"]["weights"]["options"]
    assert shares == {"ndim": 2, "err_to_str": True}


def _first_cell(arg: list[list[object]], header: bool) -> tuple[int, int]:
    return (1, 0) if header and len(arg) > 1 else (0, 0)


def _expected_place(name: str, index: int, arg: object, header: bool) -> str:
    what = parameters(name)[index]
    if arg is None or (len(arg) == 1 and len(arg[0]) == 1):
        return f"{what}: "
    if header:
        return f"{what}, row 1, column 1: "
    if name in ("JW_NPV", "JW_PAYBACK", "JW_SWITCHING_VALUE"):
        return f"{what}, year 0: "
    if len(arg) == 1 or all(len(r) == 1 for r in arg):
        return f"{what}, item 1: "
    return f"{what}, row 1, column 1: "


CASES = [(name, i) for name, args in EVERY_CALL.items() for i in range(len(parameters(name)))]


@pytest.mark.parametrize(("name", "index"), CASES, ids=[f"{n}-{parameters(n)[i]}" for n, i in CASES])
def test_an_error_in_any_argument_names_the_argument_and_the_cell(name, index):
    args = copy.deepcopy(EVERY_CALL[name]) + [None] * (len(parameters(name)) - len(EVERY_CALL[name]))
    header = parameters(name)[index].endswith("_table") and name != "JW_OPTION_SCORES"
    place = _expected_place(name, index, args[index], header)
    if args[index] is None:
        args[index] = [[error("#N/A")]]
    else:
        r, c = _first_cell(args[index], header)
        args[index][r][c] = error("#N/A")
    with pytest.raises(xlwings.XlwingsError) as caught:
        call(name, *args)
    assert str(caught.value) == f"{place}the cell shows #N/A; correct it or leave it empty"


@pytest.mark.parametrize("text", list(OFFICE_ERRORS))
def test_every_excel_error_value_is_refused_not_taken_as_empty(text):
    with pytest.raises(xlwings.XlwingsError, match=f"^weights, item 2: the cell shows {re.escape(text)}; correct it"):
        call("JW_SHARES", [[1314, error(text), 3253]], None)


def test_the_cases_from_the_issue():
    """Before: "", "", 100; "OK"; zeros; the #REF! year taken as 0."""
    with pytest.raises(xlwings.XlwingsError, match=r"^weights, item 1: the cell shows #DIV/0!"):
        call("JW_SHARES", [[error("#DIV/0!"), error("#N/A"), 1]], None)
    with pytest.raises(xlwings.XlwingsError, match=r"^values, item 2: the cell shows #N/A"):
        call("JW_CHECK_TOTAL", [[3216], [error("#N/A")]], [[3216]])
    with pytest.raises(xlwings.XlwingsError, match=r"^amount: the cell shows #N/A"):
        call("JW_APPORTION", [[error("#N/A")]], [[27, 7, 66]], None)
    with pytest.raises(xlwings.XlwingsError, match=r"^cashflows, year 3: the cell shows #REF!"):
        call("JW_NPV", [[1000, -150, -150, error("#REF!"), -150]], None)
    with pytest.raises(xlwings.XlwingsError, match=r"^min_percent: the cell shows #VALUE!"):
        call("JW_SHARES", [[1, 2]], [[error("#VALUE!")]])


def test_an_error_in_a_tables_header_row_says_so():
    args = copy.deepcopy(EVERY_CALL["JW_SAVINGS_SUMMARY"])
    args[0][0][2] = error("#REF!")
    with pytest.raises(xlwings.XlwingsError, match=r"^savings_table, header row, column 3: the cell shows #REF!"):
        call("JW_SAVINGS_SUMMARY", *args)


def test_a_block_names_row_and_column():
    with pytest.raises(xlwings.XlwingsError, match=r"^values, row 2, column 1: the cell shows #NUM!"):
        call("JW_CHECK_TOTAL", [[1, 2], [error("#NUM!"), 4]], [[7]])


# --- classic xlwings (COM) ---------------------------------------------------------------------


def _xlwings_com_error_table() -> dict[int, str]:
    """xlwings' own table of COM error codes (xlwings/_xlwindows.py; that module needs Windows to
    import, so its source is read)."""
    source = Path(xlwings.__file__).with_name("_xlwindows.py").read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "cell_errors":
            return ast.literal_eval(node.value)
    raise AssertionError("xlwings/_xlwindows.py has no cell_errors table")


def test_our_com_codes_agree_with_xlwings_and_with_excels_xlerr_numbers():
    known = _xlwings_com_error_table()
    assert len(known) == 7
    assert all(jwaddin.convert.COM_ERRORS[code] == text for code, text in known.items())
    # the others, as 0x800A0000 + Excel's xlErr number (xlErrSpill 2045, xlErrCalc 2050, xlErrGettingData 2043)
    assert jwaddin.convert.COM_ERRORS[0x800A07FD - 2**32] == "#SPILL!"
    assert jwaddin.convert.COM_ERRORS[0x800A0802 - 2**32] == "#CALC!"
    assert jwaddin.convert.COM_ERRORS[0x800A07FB - 2**32] == "#GETTING_DATA"
    assert set(jwaddin.convert.COM_ERRORS.values()) <= jwaddin.convert.EXCEL_ERRORS


def test_classic_sends_the_known_errors_as_text_and_they_are_refused():
    # with err_to_str, classic xlwings turns -2146826246 into "#N/A" before the function sees it
    with pytest.raises(FunctionInputError, match=r"^values, item 2: the cell shows #N/A"):
        jwaddin.functions.jw_check_total([[3216], ["#N/A"]], 3216)
    with pytest.raises(FunctionInputError, match=r"^amount: the cell shows #N/A"):
        jwaddin.functions.jw_apportion("#N/A", [27, 7, 66])


def test_classic_passes_other_errors_as_com_codes_and_they_are_refused_there(monkeypatch):
    spill = -2146826243  # what COM gives for a cell showing #SPILL!, err_to_str or not
    monkeypatch.setattr(jwaddin._runtime, "CLASSIC", True)
    with pytest.raises(FunctionInputError, match=r"^weights, item 2: the cell shows #SPILL!"):
        jwaddin.functions.jw_shares([1.0, spill, 3.0])
    monkeypatch.setattr(jwaddin._runtime, "CLASSIC", False)
    # Office.js sends whole numbers as int: there the same int is a number (here a negative weight)
    with pytest.raises(FunctionInputError, match=r"^weights, item 2: -2146826243 is negative"):
        jwaddin.functions.jw_shares([1, spill, 3])


def test_text_that_only_looks_like_an_error_is_not_one():
    assert jwaddin.convert.excel_error("#N/A") == "#N/A"
    assert jwaddin.convert.excel_error("n/a") is None
    assert jwaddin.convert.excel_error("#1") is None
    assert jwaddin.convert.excel_error(-2146826246) is None  # not classic here: a number
    with pytest.raises(FunctionInputError, match=r"^values, row 1, column 1: expected a number such as"):
        jwaddin.functions.jw_check_total([["#1 priority"]], 0)  # ordinary text: the ordinary message
