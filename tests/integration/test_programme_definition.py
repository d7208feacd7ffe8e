"""A sender cannot change the programme (issue 10): every file is held to the programme definition.

Each file is built by script from a Hampshire example file and put beside the Hampshire folder. The
batch must finish, the file be rejected with the code located to its Lists cell, the exit status be 2,
and the totals stay the published Hampshire ones: cashable (69)/(187), procurement (113)/(150),
total (182)/(337) (£000s, low/high; savings negative in the JSON).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from jwmodel.cli import main
from tests.conftest import HAMPSHIRE_DIR

PUBLISHED = {
    "cashable": {"low": -69, "high": -187},
    "procurement": {"low": -113, "high": -150},
    "recurring": {"low": -182, "high": -337},
}
CYRILLIC_E = "\u0435"  # looks exactly like a Latin 'e'
LOOKALIKE_LEGAL = f"L{CYRILLIC_E}gal Services"


def cover_row(ws, label: str) -> int:
    """The row of a cover field, found by its label in column A (as the reader finds it)."""
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)


def edited(src: str, dest: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(HAMPSHIRE_DIR / src)
    change(wb)
    wb.save(dest)
    return dest


def set_cover(wb, label: str, value: object) -> None:
    ws = wb["Cover"]
    ws.cell(cover_row(ws, label), 2).value = value


def hiow_return(folder: Path) -> Path:
    """A return for a partner the programme does not have, which adds itself to its own Lists sheet."""

    def change(wb):
        set_cover(wb, "Partner code", "HIOW")
        set_cover(wb, "Partner name", "Hampshire and Isle of Wight")
        wb["Lists"]["A5"], wb["Lists"]["B5"] = "HIOW", "Hampshire and Isle of Wight"

    return edited("return-HC.xlsx", folder / "return-HIOW.xlsx", change)


def lookalike_proposal(folder: Path) -> Path:
    """A proposal for 'Lеgal Services' (Cyrillic е) added to its own Lists: a second Legal row if accepted."""

    def change(wb):
        set_cover(wb, "Service area", LOOKALIKE_LEGAL)
        wb["Lists"]["C9"] = LOOKALIKE_LEGAL

    return edited("proposal-legal-services.xlsx", folder / "proposal-legal-services-2.xlsx", change)


def lookalike_baseline(folder: Path) -> Path:
    """HC's resubmission (number 2) with a baseline row for 'Lеgal Services', added to its Lists."""

    def change(wb):
        set_cover(wb, "Submission number", 2)
        wb["Lists"]["C9"] = LOOKALIKE_LEGAL
        wb["Baseline"]["A12"], wb["Baseline"]["D12"], wb["Baseline"]["E12"] = LOOKALIKE_LEGAL, 40, 1

    return edited("return-HC.xlsx", folder / "return-HC-resubmitted.xlsx", change)


def added_service(folder: Path) -> Path:
    """HC's resubmission (number 3) adding a plainly spelt service area and a baseline row for it: only the
    programme definition can tell it is not the programme's. It beats HC's first return by its cover."""

    def change(wb):
        set_cover(wb, "Submission number", 3)
        wb["Lists"]["C9"] = "Legal Services (external)"
        wb["Baseline"]["A12"], wb["Baseline"]["D12"], wb["Baseline"]["E12"] = "Legal Services (external)", 40, 1

    return edited("return-HC.xlsx", folder / "return-HC-3.xlsx", change)


def renamed_partner(folder: Path) -> Path:
    """The Facilities Management proposal resubmitted (number 2) with HFRS renamed on its Lists sheet."""

    def change(wb):
        set_cover(wb, "Submission number", 2)
        wb["Lists"]["B3"] = "Hampshire Fire & Rescue"

    return edited("proposal-facilities-management.xlsx", folder / "proposal-facilities-management-2.xlsx", change)


@dataclass(frozen=True)
class Case:
    build: Callable[[Path], Path]
    code: str
    cell: str


CASES = {
    "HIOW return": Case(hiow_return, "PROGRAMME_PARTNER_ADDED", "A5"),
    "Lеgal Services proposal": Case(lookalike_proposal, "BAD_NAME", "C9"),
    "Lеgal Services baseline": Case(lookalike_baseline, "BAD_NAME", "C9"),
    "service area added": Case(added_service, "PROGRAMME_SERVICE_ADDED", "C9"),
    "partner renamed": Case(renamed_partner, "PROGRAMME_NAME_CHANGED", "B3"),
}


def consolidate(folder: Path, out: Path, *extra: str) -> tuple[int, dict]:
    code = main(["consolidate", str(folder), "-o", str(out / "c.xlsx"), "--json", str(out / "s.json"), "-q", *extra])
    return code, json.loads((out / "s.json").read_text(encoding="utf-8"))


def published_json(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("published")
    assert consolidate(HAMPSHIRE_DIR, out)[0] == 0
    return json.loads((out / "s.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict:
    return published_json(tmp_path_factory)


def located(doc: dict, file: str, code: str) -> list[tuple[str, str]]:
    return [(f["sheet"], f["cell"]) for f in doc["findings"] if f["file"] == file and f["code"] == code]


@pytest.mark.parametrize("name", list(CASES))
def test_a_file_that_changes_the_programme_is_rejected_at_its_lists_cell(name, tmp_path, hampshire_folder, published):
    case = CASES[name]
    path = case.build(hampshire_folder)
    code, doc = consolidate(hampshire_folder, tmp_path)
    assert code == 2  # the batch finished, with a file rejected
    status = {s["file"]: s["status"] for s in doc["sources"]}
    assert status[path.name] == "rejected"
    assert located(doc, path.name, case.code) == [("Lists", case.cell)]
    for key, figures in PUBLISHED.items():
        assert doc["totals"][key] == figures, key
    assert doc["partners"] == ["HC", "HFRS", "HCC"]
    assert [s["service"] for s in doc["by_service"]] == [s["service"] for s in published["by_service"]]
    assert doc["baseline"] == published["baseline"]  # HC's first return is used in full, not a stub of it
    others = {f: s for f, s in status.items() if f != path.name}
    assert others == {s["file"]: s["status"] for s in published["sources"]}


@pytest.mark.parametrize("name", list(CASES))
def test_check_rejects_the_same_file_at_the_same_cell(name, tmp_path, hampshire_folder, capsys):
    case = CASES[name]
    path = case.build(hampshire_folder)
    assert main(["check", str(path)]) == 2  # the programme.json beside it
    beside = capsys.readouterr().out
    assert f"{case.code}: {path.name}: 'Lists'!{case.cell}:" in beside
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(path, alone / path.name)
    assert main(["check", str(alone / path.name), "--programme", str(HAMPSHIRE_DIR / "programme.json")]) == 2
    assert f"{case.code}: {path.name}: 'Lists'!{case.cell}:" in capsys.readouterr().out


def test_the_lookalike_message_names_the_character(tmp_path, hampshire_folder):
    path = lookalike_proposal(hampshire_folder)
    _, doc = consolidate(hampshire_folder, tmp_path)
    (finding,) = [f for f in doc["findings"] if f["file"] == path.name and f["code"] == "BAD_NAME"]
    assert "CYRILLIC SMALL LETTER IE" in finding["message"]


def test_without_a_programme_definition_the_lists_most_files_share_are_used_with_a_warning(tmp_path, hampshire_folder):
    (hampshire_folder / "programme.json").unlink()
    path = hiow_return(hampshire_folder)
    code, doc = consolidate(hampshire_folder, tmp_path)
    assert code == 2
    assert located(doc, path.name, "PROGRAMME_PARTNER_ADDED") == [("Lists", "A5")]
    (warning,) = [f for f in doc["findings"] if f["code"] == "PROGRAMME_ASSUMED"]
    assert warning["severity"] == "warning"
    assert "10 of 11 submissions" in warning["message"] and "programme.json" in warning["message"]
    for key, figures in PUBLISHED.items():
        assert doc["totals"][key] == figures, key


def test_without_a_definition_and_lists_all_agreeing_there_is_still_the_warning_and_nothing_rejected(
    tmp_path, hampshire_folder
):
    (hampshire_folder / "programme.json").unlink()
    code, doc = consolidate(hampshire_folder, tmp_path)
    assert code == 0  # a warning: every figure is counted
    assert [f["code"] for f in doc["findings"] if f["code"] == "PROGRAMME_ASSUMED"] == ["PROGRAMME_ASSUMED"]
    assert doc["totals"]["recurring"] == PUBLISHED["recurring"]


def test_the_programme_order_is_the_definitions_not_the_files(tmp_path, hampshire_folder, published):
    definition = json.loads((HAMPSHIRE_DIR / "programme.json").read_text(encoding="utf-8"))
    definition["partners"].reverse()
    definition["service_areas"].reverse()
    (hampshire_folder / "programme.json").write_text(json.dumps(definition), encoding="utf-8")
    code, doc = consolidate(hampshire_folder, tmp_path)
    assert code == 0
    assert doc["partners"] == ["HCC", "HFRS", "HC"]
    expected = [s["service"] for s in published["by_service"]]
    assert [s["service"] for s in doc["by_service"]] == expected[::-1]
    assert doc["totals"]["recurring"] == PUBLISHED["recurring"]


def test_programme_names_a_definition_outside_the_folder(tmp_path, hampshire_folder):
    elsewhere = tmp_path / "office" / "programme.json"
    elsewhere.parent.mkdir()
    shutil.move(hampshire_folder / "programme.json", elsewhere)
    path = hiow_return(hampshire_folder)
    code, doc = consolidate(hampshire_folder, tmp_path, "--programme", str(elsewhere))
    assert code == 2
    assert located(doc, path.name, "PROGRAMME_PARTNER_ADDED") == [("Lists", "A5")]
    assert not [f for f in doc["findings"] if f["code"] == "PROGRAMME_ASSUMED"]


BAD_DEFINITIONS = {
    "not JSON": ('{"partners": [', "line 1, column 15: not valid JSON"),
    "a lookalike code": (
        json.dumps({"partners": [{"code": "H\u0421", "name": "Hampshire"}], "service_areas": ["Legal"]}),
        "partners[0].code: 'HС' contains 'С' (CYRILLIC CAPITAL LETTER ES)",
    ),
    "a lookalike service": (
        json.dumps({"partners": [{"code": "HC", "name": "Hampshire"}], "service_areas": [LOOKALIKE_LEGAL]}),
        "service_areas[0]: ",
    ),
    "no partners": (json.dumps({"partners": [], "service_areas": ["Legal"]}), "partners: no partners"),
    "a typo in a key": (json.dumps({"partners": [], "services": []}), "unknown key 'services'"),
    "a bad year": (
        json.dumps({"financial_year": "2012", "partners": [{"code": "HC", "name": "H"}], "service_areas": ["L"]}),
        "financial_year: a financial year is written like '2012/13'",
    ),
}


@pytest.mark.parametrize("name", list(BAD_DEFINITIONS))
@pytest.mark.parametrize("command", ["consolidate", "compare", "check"])
def test_a_bad_definition_is_a_usage_error_in_one_line(name, command, tmp_path, hampshire_folder, capsys):
    text, expected = BAD_DEFINITIONS[name]
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    args = {
        "consolidate": ["consolidate", str(hampshire_folder), "-o", str(tmp_path / "c.xlsx")],
        "compare": ["compare", str(hampshire_folder), "--with", "*=HC and HCC"],
        "check": ["check", str(hampshire_folder / "return-HC.xlsx")],
    }[command]
    assert main([*args, "--programme", str(bad)]) == 1
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and err.startswith(f"jwmodel: {bad}: ") and expected in err, err
    assert "Traceback" not in err and out == ""
    assert not (tmp_path / "c.xlsx").exists()


def test_a_bad_definition_in_the_folder_is_a_usage_error_too(tmp_path, hampshire_folder, capsys):
    (hampshire_folder / "programme.json").write_text('{"partners": "HC"}', encoding="utf-8")
    assert main(["consolidate", str(hampshire_folder), "-o", str(tmp_path / "c.xlsx")]) == 1
    err = capsys.readouterr().err
    assert err == f'jwmodel: {hampshire_folder / "programme.json"}: partners: expected a list, got "HC"\n'


def test_a_missing_definition_named_on_the_command_line_is_a_usage_error(tmp_path, hampshire_folder, capsys):
    missing = tmp_path / "nowhere.json"
    assert main(["consolidate", str(hampshire_folder), "--programme", str(missing), "-o", str(tmp_path / "c")]) == 1
    assert (
        capsys.readouterr().err == f"jwmodel: {missing}: no such file (the programme definition, e.g. programme.json)\n"
    )


# --- templates made from a definition ----------------------------------------------------------------


def fill_return(template: Path, dest: Path, code: str, name: str, rows: dict[str, tuple[float, float]]) -> None:
    """A partner fills the blank template: cover, and net and FTE against the service areas listed."""
    wb = openpyxl.load_workbook(template)
    set_cover(wb, "Partner code", code)
    set_cover(wb, "Partner name", name)
    set_cover(wb, "Contact name", f"{name} finance")
    set_cover(wb, "Submission number", 1)
    ws = wb["Baseline"]
    for r in range(5, ws.max_row + 1):
        if ws.cell(r, 1).value in rows:
            ws.cell(r, 4).value, ws.cell(r, 5).value = rows[ws.cell(r, 1).value]
    wb.save(dest)


def fill_proposal(template: Path, dest: Path) -> None:
    """The ICT workstream: one option (both councils, by share of baseline) and one saving line."""
    wb = openpyxl.load_workbook(template)
    set_cover(wb, "Service area", "ICT")
    set_cover(wb, "Contact name", "ICT lead")
    set_cover(wb, "Submission number", 1)
    options = wb["Options"]
    header = [c.value for c in options[4]]
    for key, value in {
        "Option": "Both",
        "Partners": "ALP, BET",
        "Default": "Yes",
        "Method": "share of baseline",
        "Minimum %": 1,
    }.items():
        options.cell(5, header.index(key) + 1).value = value
    lines = wb["Saving lines"]
    header = [c.value for c in lines[4]]
    for key, value in {
        "Description": "Shared service desk",
        "Category": "cashable staffing",
        "Low (£000s)": -40,
        "High (£000s)": -80,
    }.items():
        lines.cell(5, header.index(key) + 1).value = value
    wb.save(dest)


def test_templates_write_the_definition_and_returns_made_from_them_consolidate(tmp_path, capsys):
    out = tmp_path / "templates"
    args = ["templates", str(out), "--partner", "ALP=Alpha Council", "--partner", "BET=Beta Borough Council"]
    args += ["--service", "ICT", "--service", "Legal Services", "--year", "2013/14", "--name", "Alpha and Beta"]
    assert main(args) == 0
    assert "programme.json" in capsys.readouterr().out
    written = json.loads((out / "programme.json").read_text(encoding="utf-8"))
    assert written == {
        "format": "jwmodel programme definition",
        "name": "Alpha and Beta",
        "financial_year": "2013/14",
        "partners": [{"code": "ALP", "name": "Alpha Council"}, {"code": "BET", "name": "Beta Borough Council"}],
        "service_areas": ["ICT", "Legal Services"],
    }
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(out / "programme.json", returns / "programme.json")
    fill_return(out / "return-ALP.xlsx", returns / "alpha.xlsx", "ALP", "Alpha Council", {"ICT": (100, 2)})
    fill_return(out / "return-BET.xlsx", returns / "beta.xlsx", "BET", "Beta Borough Council", {"ICT": (300, 6)})
    fill_proposal(out / "proposal-ict.xlsx", returns / "ict.xlsx")
    code, doc = consolidate(returns, tmp_path)
    assert {s["file"]: s["status"] for s in doc["sources"]} == {
        "alpha.xlsx": "accepted",
        "beta.xlsx": "accepted",
        "ict.xlsx": "accepted",
    }, doc["findings"]
    assert code == 0
    assert doc["partners"] == ["ALP", "BET"]
    assert doc["totals"]["cashable"] == {"low": -40, "high": -80}
    # share of baseline: 100 and 300 of 400 are 25% and 75%, so ALP bears a quarter of each estimate
    by_partner = {p["partner"]: p["recurring"] for p in doc["by_partner"]}
    assert by_partner == {"ALP": {"low": -10, "high": -20}, "BET": {"low": -30, "high": -60}}


def test_templates_can_be_made_from_a_definition_file(tmp_path):
    out = tmp_path / "again"
    assert main(["templates", str(out), "--programme", str(HAMPSHIRE_DIR / "programme.json")]) == 0
    assert (out / "programme.json").read_text(encoding="utf-8") == (HAMPSHIRE_DIR / "programme.json").read_text(
        encoding="utf-8"
    )
    wb = openpyxl.load_workbook(out / "return-HCC.xlsx")
    assert [c.value for c in wb["Lists"]["A"][1:4]] == ["HC", "HFRS", "HCC"]


def test_a_bad_partner_on_the_templates_command_is_one_line(tmp_path, capsys):
    args = ["templates", str(tmp_path / "t"), "--partner", "H\u0421=Hampshire", "--service", "Legal"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "partners[0].code" in err and "CYRILLIC CAPITAL LETTER ES" in err
    assert not (tmp_path / "t" / "programme.json").exists()


def test_python_callers_pass_a_definition_and_the_run_says_which_was_used(hampshire_folder):
    from jwmodel.definition import ProgrammeDefinition
    from jwmodel.excel.programme_file import read_definition
    from jwmodel.model import Partner
    from jwmodel.service import UsageError, check_files, consolidate_folder

    theirs = read_definition(HAMPSHIRE_DIR / "programme.json")
    assert consolidate_folder(hampshire_folder, workers=0, progress=False).definition == theirs
    narrower = ProgrammeDefinition((Partner("HC", "Hampshire Constabulary"),), theirs.services)
    run = consolidate_folder(hampshire_folder, workers=0, progress=False, programme=narrower)
    assert run.definition == narrower
    assert {s.status for s in run.sources} == {"rejected"} and not run.usable  # every Lists sheet adds HFRS and HCC
    (report,) = check_files([hampshire_folder / "return-HC.xlsx"], workers=1, programme=narrower)
    assert not report.ok and {f.code for f in report.findings} == {"PROGRAMME_PARTNER_ADDED"}
    (hampshire_folder / "programme.json").unlink()
    assumed = consolidate_folder(hampshire_folder, workers=0, progress=False).definition
    assert assumed is not None and (assumed.partners, assumed.services) == (theirs.partners, theirs.services)
    with pytest.raises(UsageError, match="no such file"):
        consolidate_folder(hampshire_folder, programme=hampshire_folder / "programme.json")


def test_an_identical_copy_of_a_rejected_file_is_rejected_with_its_own_findings(tmp_path, hampshire_folder):
    first = hiow_return(hampshire_folder)
    copy = hampshire_folder / "return-HIOW copy.xlsx"
    shutil.copy(first, copy)
    code, doc = consolidate(hampshire_folder, tmp_path, "--receipts", str(tmp_path / "receipts"))
    assert code == 2
    status = {s["file"]: s["status"] for s in doc["sources"]}
    assert status[first.name] == status[copy.name] == "rejected"  # neither is "skipped: identical"
    for name in (first.name, copy.name):
        assert located(doc, name, "PROGRAMME_PARTNER_ADDED") == [("Lists", "A5")]
    assert len(list((tmp_path / "receipts").glob("*HIOW*.xlsx"))) == 2
    assert doc["totals"]["recurring"] == PUBLISHED["recurring"]
