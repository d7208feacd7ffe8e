"""`consolidate` lists the business-case returns the programme definition says are due, late or not come.

The folder is built here from the East Herts example: EHC's return on time, SBC's late, NHDC's not
sent; the Facilities Management proposal on time and the ICT proposal not sent. Days late are worked
out here from the dates, not by the code under test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import openpyxl
import pytest

from jwmodel.cli import main
from jwmodel.definition import FILE_NAME, to_dict
from jwmodel.examples import east_herts_2011
from jwmodel.excel.build_workbooks import EAST_HERTS, EAST_HERTS_SETUP, submissions
from jwmodel.excel.templates import proposal_name, return_name, write_partner_return, write_workstream_proposal
from jwmodel.service import UsageError, consolidate_folder

RETURNS_DUE, PROPOSALS_DUE, AS_OF = "2011-04-01", "2011-03-31", "2011-04-20"
SBC_SENT = "2011-04-12"  # after RETURNS_DUE
ON_TIME = "2011-03-31"  # every other file's cover


def _days(later: str, earlier: str) -> int:
    return (dt.date.fromisoformat(later) - dt.date.fromisoformat(earlier)).days


@pytest.fixture
def folder(tmp_path):
    returns, proposals = submissions(east_herts_2011, EAST_HERTS_SETUP, ON_TIME)
    for r in returns:
        if r.partner.code == "NHDC":
            continue  # not sent
        if r.partner.code == "SBC":
            r = dataclasses.replace(r, cover=dataclasses.replace(r.cover, submitted=SBC_SENT))
        write_partner_return(tmp_path / return_name(r.partner.code), EAST_HERTS_SETUP, r)
    for p in proposals:
        if p.service.name != "ICT":  # not sent
            write_workstream_proposal(tmp_path / proposal_name(p.service.name), EAST_HERTS_SETUP, p)
    definition = to_dict(EAST_HERTS)
    definition["monitoring"] = {
        "returns_due": [
            {
                "partners": ["EHC", "SBC", "NHDC"],
                "return": "jwmodel partner return",
                "period": "2011/12",
                "due": RETURNS_DUE,
            },
            {
                "partners": ["Facilities Management", "ICT"],
                "return": "jwmodel workstream proposal",
                "period": "2011/12",
                "due": PROPOSALS_DUE,
            },
        ]
    }
    (tmp_path / FILE_NAME).write_text(json.dumps(definition), encoding="utf-8")
    return tmp_path


EXPECTED = [  # (partner, return, due, state, days late, received, contact): due date first, then who
    ("ICT", "jwmodel workstream proposal", PROPOSALS_DUE, "outstanding", _days(AS_OF, PROPOSALS_DUE), "", ""),
    ("NHDC", "jwmodel partner return", RETURNS_DUE, "outstanding", _days(AS_OF, RETURNS_DUE), "", ""),
    (
        "SBC",
        "jwmodel partner return",
        RETURNS_DUE,
        "late",
        _days(SBC_SENT, RETURNS_DUE),
        SBC_SENT,
        "Stevenage Borough Council finance (example)",
    ),
]


def test_consolidate_lists_the_business_case_returns_late_and_outstanding(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    code = main(
        ["consolidate", str(folder), "--as-of", AS_OF, "-o", str(out / "c.xlsx"), "--json", str(out / "s.json"), "-q"]
    )
    assert code == 2  # errors found (the proposals name NHDC, whose return has not come); the outputs are written
    doc = json.loads((out / "s.json").read_text())
    rows = [
        (r["partner"], r["return"], r["due"], r["state"], r["days_late"], r["received"], r["contact"])
        for r in doc["outstanding"]
    ]
    assert rows == EXPECTED
    assert all(r["period"] == "2011/12" for r in doc["outstanding"])
    assert [(r["partner"], r["days_late"]) for r in doc["chase"]] == [("ICT", 20), ("NHDC", 19)]
    codes = [(f["code"], f["value"]) for f in doc["findings"] if f["code"].startswith("RETURN_")]
    assert sorted(codes) == [("RETURN_LATE", "SBC"), ("RETURN_OUTSTANDING", "ICT"), ("RETURN_OUTSTANDING", "NHDC")]
    texts = [
        " ".join(str(c) for c in row if c is not None)
        for row in openpyxl.load_workbook(out / "c.xlsx", read_only=True)["Findings"].iter_rows(values_only=True)
    ]
    assert any("RETURN_OUTSTANDING" in t and "service area ICT" in t for t in texts)
    assert any("RETURN_LATE" in t and "partner SBC" in t and "11 days late" in t for t in texts)


def test_the_rows_survive_other_options_and_the_figures_are_unchanged(folder):
    run = consolidate_folder(folder, as_of=AS_OF, workers=0)
    assert [o.partner for o in run.chase] == ["ICT", "NHDC"]
    other = run.with_options({"*": east_herts_2011.THREE})
    assert other.outstanding == run.outstanding
    assert sum(f.code == "RETURN_OUTSTANDING" for f in other.findings) == 2
    # the returns due change no figure: the folder without a schedule gives the same totals
    (folder / FILE_NAME).write_text(json.dumps(to_dict(EAST_HERTS)), encoding="utf-8")
    plain = consolidate_folder(folder, as_of=AS_OF, workers=0)
    assert plain.outstanding == () and "outstanding" not in plain.summary()
    assert plain.consolidation.total == run.consolidation.total


def test_a_date_that_is_not_one_is_a_usage_error(folder):
    with pytest.raises(UsageError, match="--as-of"):
        consolidate_folder(folder, as_of="31/04/2011", workers=0)
