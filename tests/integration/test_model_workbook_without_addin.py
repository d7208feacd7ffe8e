"""The model workbook without the add-in (issue 13, part 5): it opens showing the batch's figures.

The figures expected are the summary JSON's, written by the same run and parsed here with ``json``;
the workbook is read by readers that do not calculate (openpyxl's cached values, python-calamine)
and, in the slow layer, by LibreOffice with its default settings, which recalculates every array
formula when it opens a file: the spilling JW_ formulas then fall back to the saved figures.
"""

from __future__ import annotations

import json
import math
import zipfile

import openpyxl
import pytest
import python_calamine

from jwmodel.excel.model_workbook import PROTECTED
from jwmodel.layout import MODEL_TABLES, SAVED_MARK, SAVED_SHEET
from jwmodel.service import consolidate_folder
from tests.conftest import WORKBOOKS

EXAMPLE = WORKBOOKS / "examples" / "hampshire-2012"
GROUPS = ("cashable", "procurement", "recurring", "non_cashable", "one_off")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """(the model workbook, the summary JSON parsed) from one run over the Hampshire returns."""
    root = tmp_path_factory.mktemp("model")
    run = consolidate_folder(EXAMPLE, workers=0, progress=False)
    model = run.write_model(root / "model.xlsx")
    document = json.loads(run.write_json(root / "summary.json").read_text(encoding="utf-8"))
    return model, document


def summary_rows(document) -> list[list[object]]:
    """Appendix A as the JSON gives it: a row per service area, then the total."""
    rows = [[s["service"], *(s[g][b] for g in GROUPS for b in ("low", "high"))] for s in document["by_service"]]
    total = document["totals"]
    return [*rows, ["Total", *(total[g][b] for g in GROUPS for b in ("low", "high"))]]


def by_partner_rows(document) -> list[list[object]]:
    """Each partner's recurring share per service area, all partners, and the totals, from the JSON."""
    partners = document["by_partner"]
    rows = []
    for i, s in enumerate(document["by_service"]):
        shares = [p["by_service"][i]["recurring"] for p in partners]
        assert all(p["by_service"][i]["service"] == s["service"] for p in partners)
        rows.append([s["service"], *(x[b] for x in shares for b in ("low", "high")), *s["recurring"].values()])
    totals = [p["recurring"] for p in partners]
    rows.append(["Total", *(x[b] for x in totals for b in ("low", "high")), *document["totals"]["recurring"].values()])
    return rows


def same(got: object, want: object) -> bool:
    if isinstance(want, int | float) and not isinstance(want, bool):
        return isinstance(got, int | float) and math.isclose(got, want, rel_tol=0, abs_tol=1e-9)
    return got == want


def block(values: list[list[object]], top: int, rows: int, width: int) -> list[list[object]]:
    return [list(values[r][:width]) for r in range(top, top + rows)]


def assert_figures(sheets: dict[str, list[list[object]]], document) -> None:
    for name, want in (("Summary", summary_rows(document)), ("By partner", by_partner_rows(document))):
        got = block(sheets[name], 4, len(want), len(want[0]))
        bad = [(g, w) for g, w in zip(got, want, strict=True) if not all(map(same, g, w))]
        assert not bad, f"{name}: {bad[:2]}"


def test_the_workbook_does_not_ask_to_be_recalculated_on_opening(written):
    model, _ = written
    workbook_xml = zipfile.ZipFile(model).read("xl/workbook.xml").decode()
    assert "<calcPr" in workbook_xml and "fullCalcOnLoad" not in workbook_xml
    assert 'calcId="191029"' in workbook_xml  # an older engine id would make Excel recalculate on opening


def test_openpyxl_cached_values_show_the_batchs_figures(written):
    model, document = written
    wb = openpyxl.load_workbook(model, data_only=True)
    sheets = {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}
    assert_figures(sheets, document)
    assert sheets["Summary"][3][0] == "Service area"  # the live header: the saved figures are the engine's


def test_python_calamine_shows_the_batchs_figures_and_the_appraisal(written):
    model, document = written
    book = python_calamine.CalamineWorkbook.from_path(str(model))
    sheets = {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}
    assert_figures(sheets, document)
    headline = {r[0]: r[1:5] for r in sheets["Appraisal"] if r and r[0] in ("prudent", "central", "optimistic")}
    cases = document["appraisal"]["cases"]
    for case, figures in cases.items():
        npv, payback = headline[case][0], headline[case][1]
        assert math.isclose(npv, figures["npv"], abs_tol=1e-9), case
        assert round(payback, 2) == figures["payback_years"], case
    (programme,) = [w for w in document["appraisal"]["switching_values"] if w["subject"] == "Programme"]
    assert round(headline["central"][2], 1) == programme["npv_percent"]
    assert round(headline["central"][3], 1) == programme["payback_percent"]
    findings = [r for r in sheets["Findings"][4:] if r and r[0]]
    assert sorted(r[1] for r in findings) == sorted(f["code"] for f in document["findings"])


def test_the_read_me_says_the_jw_functions_need_the_add_in(written):
    model, _ = written
    text = " ".join(str(c.value) for row in openpyxl.load_workbook(model)["Read me"].iter_rows() for c in row)
    assert "The JW_ functions need the jwaddin add-in to recalculate" in text


def test_every_choice_column_has_a_drop_down_of_its_declared_choices(written):
    model, _ = written
    wb = openpyxl.load_workbook(model)
    expected = 0
    for where in MODEL_TABLES:  # each declared input table and its sheet in the model workbook
        declared, ws = where.declared, wb[where.sheet]
        headers = [c.value for c in ws[4]]
        lists = {
            str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1 for v in ws.data_validations.dataValidation
        }
        for column in declared.columns:
            if column.choices:
                expected += 1
                letter = openpyxl.utils.get_column_letter(headers.index(column.header) + 1)
                assert lists.get(letter) == '"' + ",".join(column.choices) + '"', (declared.name, column.key)
    assert expected >= 5  # Default, In use, Method, Category, Type


def test_failed_checks_turn_red_and_formula_sheets_are_protected(written):
    model, _ = written
    wb = openpyxl.load_workbook(model)
    checks = wb["Checks"]
    formatted = {str(r.sqref) for r in checks.conditional_formatting}
    check_cells = [c.coordinate for row in checks.iter_rows() for c in row if "JW_CHECK_TOTAL" in str(c.value)]
    assert len(check_cells) == 8 and set(check_cells) <= formatted
    rules = [rule for r in checks.conditional_formatting for rule in r.rules]
    assert all(rule.operator == "notEqual" and rule.formula == ['"OK"'] for rule in rules)
    for name in PROTECTED:
        assert wb[name].protection.sheet, name
    appraisal = wb["Appraisal"]
    assert appraisal["B4"].value == "STPR" and appraisal["B4"].protection.locked is False
    formulas = [c for row in appraisal.iter_rows() for c in row if str(c.value).startswith("=JW_")]
    assert len(formulas) == 12 and all(c.protection.locked for c in formulas)
    for ws in wb.worksheets:
        if ws.title not in ("Read me", "xlwings.conf", "Sources", SAVED_SHEET):
            assert ws.freeze_panes, ws.title


@pytest.mark.libreoffice
def test_libreoffice_without_the_add_in_shows_the_figures_not_name_errors(written, tmp_path, libreoffice):
    """LibreOffice with its own default settings (not the round trip's recalculate-everything profile)."""
    import subprocess

    from jwmodel.excel.libreoffice import soffice

    model, document = written
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "xlsx"]
        + ["--outdir", str(tmp_path / "lo"), str(model)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wb = openpyxl.load_workbook(tmp_path / "lo" / model.name, data_only=True)
    sheets = {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}
    for name in ("Summary", "By partner", "Appraisal", "Checks", "Options", "Findings"):
        errors = [v for row in sheets[name] for v in row if isinstance(v, str) and v.startswith("#")]
        assert not errors, f"{name}: {errors[:3]}"
    assert_figures(sheets, document)
    assert sheets["Summary"][3][0] == "Service area" + SAVED_MARK  # says the figures are the saved ones
