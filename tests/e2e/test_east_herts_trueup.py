"""``jwmodel true-up`` on the East Herts year-1 actuals example: every figure worked out here by hand.

The approved version is the East Herts example under EHC and SBC, every service split by share of net baseline
(``jwmodel.examples.east_herts_2011``); the actuals are each council's 2012/13 net cost of each service on its
year-end monitoring return (``jwmodel.examples.east_herts_2011_actuals``, ILLUSTRATIVE). Nothing here calls the
true-up code to get an expected figure.
"""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from jwmodel.cli import main
from jwmodel.examples import east_herts_2011_actuals as ex

FOLDER = Path(__file__).resolve().parents[2] / "workbooks" / "examples" / ex.FOLDER
VERSION = FOLDER / ex.VERSION_FILE
FM, HR, ICT, SFA = "Facilities Management", "Human Resources", "ICT", "Strategic Financial Advice"


def _run(tmp_path: Path, *extra: str) -> tuple[int, dict]:
    out, js = tmp_path / "true-up.xlsx", tmp_path / "true-up.json"
    code = main(["true-up", str(VERSION), str(FOLDER), "-o", str(out), "--json", str(js), "--workers", "0", *extra])
    return code, json.loads(js.read_text(encoding="utf-8"))


def _shares(document: dict, service: str) -> dict[str, dict]:
    """The partners' rows of a service area's option split (not a line's own split: its row names the line)."""
    return {row["partner"]: row for row in document["shares"] if row["service"] == service and not row["line"]}


def test_facilities_management_moves_beyond_the_tolerance_and_sbc_pays_ehc(tmp_path, capsys):
    code, doc = _run(tmp_path)
    assert code == 0 and doc["year"] == "2012/13" and doc["tolerance"] == 3 and doc["cap"] is None
    fm = _shares(doc, FM)
    # Estimated 620/880 = 41.33/58.67: 41/59. Actual 700/800 = 46.67/53.33: 47/53. A move of 6 points > 3.
    assert (fm["EHC"]["estimated"], fm["EHC"]["actual"], fm["EHC"]["trued_up"]) == (41, 47, 47)
    assert (fm["SBC"]["estimated"], fm["SBC"]["actual"], fm["SBC"]["trued_up"]) == (59, 53, 53)
    assert fm["EHC"]["decision"] == "trued up" and fm["EHC"]["actual_value"] == 700
    # FM-S01 in 2012/13: central of -45/-70 = -57.5, at 50% = -28.75. At 41/59: 11,787.5 / 16,962.5 pounds, the
    # odd pound (equal remainders) to the larger weight SBC: paid -11.787 / -16.963. At 47/53: 13,512.5 /
    # 15,237.5, again to SBC: due -13.512 / -15.238. Payments: EHC -13.512 + 11.787 = -1.725; SBC +1.725.
    assert (fm["EHC"]["paid"], fm["EHC"]["due"], fm["EHC"]["balancing_payment"]) == (-11.787, -13.512, -1.725)
    assert (fm["SBC"]["paid"], fm["SBC"]["due"], fm["SBC"]["balancing_payment"]) == (-16.963, -15.238, 1.725)
    assert doc["settlements"] == [{"payer": "SBC", "payee": "EHC", "amount": 1.725}]
    balances = {row["partner"]: row["balancing_payment"] for row in doc["payments"]}
    assert balances == {"EHC": -1.725, "SBC": 1.725, "NHDC": 0}
    out = capsys.readouterr().out.splitlines()
    assert "  SBC pays EHC 1.725" in out
    # the balances follow their heading, after the services; NHDC, in no split in 2012/13, is not listed
    heading = next(i for i, line in enumerate(out) if line.startswith("Balancing payment"))
    assert out[heading + 1 : heading + 3] == ["  EHC: (1.725)", "  SBC: 1.725"]
    assert not any(line.startswith("  NHDC") for line in out)
    assert all("Facilities Management" not in line for line in out[heading:])


def test_the_services_within_the_tolerance_keep_their_estimate_and_nobody_pays(tmp_path):
    _, doc = _run(tmp_path)
    # HR 510/690 = 42.5/57.5, the tie to the larger weight: 42/58; actual 520/680 = 43.33/56.67: 43/57 (1 point).
    # ICT 1,450/1,820: 44/56, actual 1,480/1,790: 45/55; SFA 380/450: 46/54, actual 390/440: 47/53 (1 point each).
    expected = {HR: (42, 43), ICT: (44, 45), SFA: (46, 47)}
    for service, (estimated, actual) in expected.items():
        rows = _shares(doc, service)
        assert (rows["EHC"]["estimated"], rows["EHC"]["actual"], rows["EHC"]["trued_up"]) == (
            estimated,
            actual,
            estimated,
        )
        assert rows["EHC"]["decision"] == "within tolerance: the estimate stands"
        assert {r["balancing_payment"] for r in rows.values()} == {0}
    decisions = {s["service"]: (s["decision"], s["moved"], s["amount"]) for s in doc["services"] if not s["line"]}
    # HR in 2012/13: HR-S01 -77.5 at 50% = -38.75, HR-S02 +12.5, HR-C01 37.5 at 100% = 37.5: 11.25.
    assert decisions[HR] == ("within tolerance: the estimate stands", 1, 11.25)
    assert decisions[FM] == ("trued up", 6, -28.75)


def test_damping_caps_the_move_at_five_points(tmp_path):
    _, doc = _run(tmp_path, "--cap", "5")
    fm = _shares(doc, FM)
    # The move of 6 is scaled by 5/6 to 5: 46/54. Due -13.225 / -15.525 (exact); payments EHC -13.225 + 11.787 =
    # -1.438, SBC -15.525 + 16.963 = +1.438.
    assert (fm["EHC"]["trued_up"], fm["SBC"]["trued_up"], fm["EHC"]["damped"]) == (46, 54, "yes")
    assert (fm["EHC"]["balancing_payment"], fm["SBC"]["balancing_payment"]) == (-1.438, 1.438)
    assert doc["cap"] == 5


def test_the_workbook_opens_with_its_sheets_and_every_json_key(tmp_path):
    _run(tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "true-up.xlsx", read_only=True)
    assert wb.sheetnames == ["Summary", "Shares", "Payments", "Findings", "Sources"]
    headers = [c.value for c in next(wb["Shares"].iter_rows(min_row=2, max_row=2))]
    assert headers[:4] == ["Service area", "Line", "Partner", "Actual driver"]
    assert "Balancing payment (£000s)" in headers
    doc = json.loads((tmp_path / "true-up.json").read_text(encoding="utf-8"))
    assert list(doc) == [
        "version",
        "year",
        "case",
        "tolerance",
        "cap",
        "include_drafts",
        "services",
        "shares",
        "payments",
        "settlements",
        "findings",
        "sources",
    ]
    assert doc["findings"] == [] and {s["status"] for s in doc["sources"]} == {"accepted"}
    assert sum(D(str(r["balancing_payment"])) for r in doc["payments"]) == 0


def test_a_summary_json_is_refused_with_a_usage_error_that_says_what_to_give(tmp_path, capsys):
    summary = tmp_path / "summary.json"
    summary.write_text(json.dumps({"schema_version": 1, "totals": {}}), encoding="utf-8")
    assert main(["true-up", str(summary), str(FOLDER), "-o", str(tmp_path / "t.xlsx")]) == 1
    assert "--save-version" in capsys.readouterr().err


def test_a_year_outside_the_plan_is_a_usage_error(tmp_path, capsys):
    assert main(["true-up", str(VERSION), str(FOLDER), "-o", str(tmp_path / "t.xlsx"), "--year", "2030/31"]) == 1
    assert "not a year of the version's plan" in capsys.readouterr().err


@pytest.mark.libreoffice
def test_returns_resaved_by_libreoffice_give_the_same_true_up(tmp_path, libreoffice):
    import shutil

    import jwmodel
    from jwmodel.excel.libreoffice import resave

    folder = tmp_path / "lo"
    resave(sorted(FOLDER.glob("*.xlsx")), folder)
    shutil.copy(FOLDER / "programme.json", folder / "programme.json")
    ours, theirs = jwmodel.true_up(VERSION, FOLDER, workers=0), jwmodel.true_up(VERSION, folder, workers=0)
    assert theirs.complete and len(theirs.sources) == 2
    for key in ("services", "shares", "payments", "settlements"):
        assert theirs.to_json()[key] == ours.to_json()[key], key
