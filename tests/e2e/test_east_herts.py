"""The second worked example: two councils, and what changes if North Herts joins (illustrative)."""

from __future__ import annotations

import json
import os
import stat
from decimal import Decimal as D
from pathlib import Path

from jwmodel.business_case import AppraisalSettings, appraise_programme
from jwmodel.cli import main
from jwmodel.consolidation import consolidate
from jwmodel.examples import east_herts_2011
from jwmodel.model import Range

FOLDER = Path(__file__).resolve().parents[2] / "workbooks" / "examples" / "east-herts-stevenage-2011"
THREE = {"*": "EHC, SBC and NHDC"}


def test_two_councils_share_by_baseline_and_north_herts_bears_nothing():
    result = consolidate(east_herts_2011.programme())
    by = {p.partner: p for p in result.by_partner}
    assert by["NHDC"].recurring == Range() and by["NHDC"].one_off == Range()
    # 120/180 ICT + 37.917/56.433 FM redundancy + 30/45 HR + 25 + 25 business case
    assert result.total.one_off == Range(D("237.917"), D("331.433"))
    fm = next(r for r in result.apportionment if r.service == "Facilities Management" and r.in_use)
    assert fm.shares == {"EHC": 41, "SBC": 59}


def test_the_business_case_costs_25k_for_each_council_that_takes_part():
    for options, expected in (({}, {"EHC": D(25), "SBC": D(25)}), (THREE, {"EHC": D(25), "SBC": D(25), "NHDC": D(25)})):
        result = consolidate(east_herts_2011.programme(), options=options)
        lines = [x for x in result.lines if x.service == "Business case and programme" and x.included]
        borne = {p: r.low for x in lines for p, r in x.shares.items()}
        assert borne == expected


def test_wildcard_option_applies_to_every_service_that_has_it():
    result = consolidate(east_herts_2011.programme(), options=THREE)
    assert set(result.options_in_use.values()) == {"EHC, SBC and NHDC"}
    assert result.total.recurring == Range(D(-350), D(-585))
    assert sum((p.recurring for p in result.by_partner), Range()) == result.total.recurring


def test_north_herts_joining_changes_each_councils_share_npv_and_payback():
    settings = AppraisalSettings("2011/12", 5)
    two = appraise_programme(consolidate(east_herts_2011.programme()), settings)
    three = appraise_programme(consolidate(east_herts_2011.programme(), options=THREE), settings)
    npv = lambda a: {p.name: p.npv[next(iter(p.npv))] for p in a.by_partner}  # noqa: E731
    assert npv(two)["NHDC"] == 0 and npv(three)["NHDC"] != 0
    assert {p.name: p.payback_years for p in three.by_partner}["NHDC"] is not None


def test_compare_command_writes_both_runs(tmp_path, capsys):
    code = main(["compare", str(FOLDER), "--with", "*=EHC, SBC and NHDC", "--json", str(tmp_path / "c.json")])
    assert code == 0
    doc = json.loads((tmp_path / "c.json").read_text())
    first, second = doc["runs"]
    # -215/-360 of lines for both option + -30/-50 ICT procurement + the two-council ICT contract -25/-40
    assert first["totals"]["recurring"] == {"low": -270, "high": -450}
    assert second["totals"]["recurring"] == {"low": -350, "high": -585}
    nhdc = [next(p for p in run["by_partner"] if p["partner"] == "NHDC") for run in doc["runs"]]
    assert [p["participates"] for p in nhdc] == [False, True]
    out = capsys.readouterr().out
    assert "not a participant" in out and "change" in out


def test_outputs_are_readable_by_colleagues_not_private_temp_files(tmp_path):
    old = os.umask(0o022)
    try:
        assert (
            main(["consolidate", str(FOLDER), "-o", str(tmp_path / "c.xlsx"), "--json", str(tmp_path / "s.json"), "-q"])
            == 0
        )
    finally:
        os.umask(old)
    for name in ("c.xlsx", "s.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def _run(tmp_path: Path, *options: str) -> dict:
    out = tmp_path / "s.json"
    assert (
        main(["consolidate", str(FOLDER), "-o", str(out.with_suffix(".xlsx")), "--json", str(out), "-q", *options]) == 0
    )
    return json.loads(out.read_text(encoding="utf-8"))


def _not_counted(doc: dict) -> set[str]:
    """The lines whose condition does not hold, by the description the finding quotes."""
    return {f["message"].split("'")[1] for f in doc["findings"] if f["code"] == "LINE_CONDITION_NOT_MET"}


JOINS = {
    "Further FM savings with a third council",
    "Further HR savings with a third council",
    "Further ICT savings with a third council",
    "Further savings with a third council",
    "Bringing a third council onto the shared infrastructure",
    "Building the business case: project manager and back-fill (NHDC)",
}
WITHOUT = "Two-council ICT support contract, only without a third council"


def test_without_north_herts_the_not_join_line_counts_and_the_joins_lines_do_not_and_with_it_the_reverse(tmp_path):
    two = _run(tmp_path)
    assert _not_counted(two) == JOINS
    ict = next(s for s in two["by_service"] if s["service"] == "ICT")
    # shared infrastructure -90/-150 + procurement -30/-50 + the two-council contract -25/-40
    assert ict["recurring"] == {"low": -145, "high": -240}
    three = _run(tmp_path, "--option", "*=EHC, SBC and NHDC")
    assert _not_counted(three) == {WITHOUT}
    ict = next(s for s in three["by_service"] if s["service"] == "ICT")
    # shared infrastructure -90/-150 + procurement -30/-50 + further savings with a third council -40/-70
    assert ict["recurring"] == {"low": -160, "high": -270}
    message = next(f["message"] for f in three["findings"] if f["code"] == "LINE_CONDITION_NOT_MET")
    assert "'Applies if' is 'NHDC does not join'" in message  # the condition quoted as typed
