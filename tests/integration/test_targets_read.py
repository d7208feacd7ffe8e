"""Targets and tags through the templates: written, read back, consolidated into the summary's targets."""

from __future__ import annotations

import shutil
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import openpyxl

import jwmodel
from jwmodel.codes import Code
from jwmodel.excel.build_workbooks import HAMPSHIRE_SETUP, hampshire_submissions
from jwmodel.excel.reading import read_submission
from jwmodel.excel.templates import write_partner_return, write_workstream_proposal
from jwmodel.model import SavingsTarget
from jwmodel.submissions import Status

EXAMPLE = Path("workbooks/examples/hampshire-2012")
REVIEW = "Support services review"
PUBLISHED = {Code.BASELINE_TOTAL_MISMATCH, Code.FTE_TOTAL_MISMATCH}  # HCC's stated totals, as published


def _used_whole(record) -> bool:
    return record.status != Status.REJECTED and {f.code for f in record.findings} <= PUBLISHED


def _hcc_return():
    returns, _ = hampshire_submissions()
    hcc = next(r for r in returns if r.partner.code == "HCC")
    targets = (SavingsTarget("HCC", REVIEW, "2013/14", D(20)), SavingsTarget("HCC", REVIEW, "2014/15", D("20.5")))
    return replace(hcc, targets=targets)


def _tagged_proposal():
    _, proposals = hampshire_submissions()
    ld = next(p for p in proposals if p.service.name == "Learning & Development")
    first, second = ld.saving_lines
    first = replace(first, plan_partner="HCC", plan_target=REVIEW)
    second = replace(second, also_claimed_by="Corporate Services Review")
    return replace(ld, saving_lines=(first, second))


def test_a_return_s_targets_and_a_proposal_s_tags_are_written_and_read_back(tmp_path):
    path = write_partner_return(tmp_path / "return-HCC.xlsx", HAMPSHIRE_SETUP, _hcc_return())
    read, record = read_submission(path)
    assert _used_whole(record), record.findings
    assert [(t.partner, t.name, t.year, t.amount) for t in read.targets] == [
        ("HCC", REVIEW, "2013/14", D(20)),
        ("HCC", REVIEW, "2014/15", D("20.5")),
    ]
    assert read.targets[0].where.sheet == "Targets"
    path = write_workstream_proposal(tmp_path / "proposal.xlsx", HAMPSHIRE_SETUP, _tagged_proposal())
    read, record = read_submission(path)
    assert record.status == Status.ACCEPTED, record.findings
    tags = [(x.line_id, x.plan_partner, x.plan_target, x.also_claimed_by) for x in read.saving_lines]
    assert tags == [("LD-S01", "HCC", REVIEW, ""), ("LD-S02", None, "", "Corporate Services Review")]


def test_a_return_from_before_the_targets_sheet_is_read_as_before(tmp_path):
    book = openpyxl.load_workbook(EXAMPLE / "return-HCC.xlsx")
    del book["Targets"]
    book.save(tmp_path / "return-HCC.xlsx")
    read, record = read_submission(tmp_path / "return-HCC.xlsx")
    assert _used_whole(record), record.findings
    assert read.targets == () and len(read.baseline) == 7


def test_a_target_given_twice_or_negative_rejects_the_return_at_its_cell(tmp_path):
    hcc = _hcc_return()
    twice = replace(hcc, targets=(*hcc.targets, replace(hcc.targets[0], amount=D(-3))))
    read, record = read_submission(write_partner_return(tmp_path / "r.xlsx", HAMPSHIRE_SETUP, twice))
    assert read is None
    found = {(f.code, f.where.sheet, f.where.cell[:1]) for f in record.findings}
    assert (Code.NEGATIVE, "Targets", "C") in found  # the saving column


def test_consolidate_reports_each_target_s_coverage_and_flags_the_claim_elsewhere(tmp_path):
    folder = tmp_path / "returns"
    shutil.copytree(EXAMPLE, folder)
    write_partner_return(folder / "return-HCC.xlsx", HAMPSHIRE_SETUP, _hcc_return())
    write_workstream_proposal(folder / "proposal-learning-and-development.xlsx", HAMPSHIRE_SETUP, _tagged_proposal())
    run = jwmodel.consolidate_folder(folder, workers=0)
    assert run.consolidation.total.recurring.low == D(-182)  # a tag changes no figure
    # LD-S01 (16) / (39), HCC 45%: (7.2) / (17.55), starting 2013/14 at 50% of the full year
    targets = run.summary()["targets"]
    assert targets[0] == {
        "partner": "HCC",
        "target": REVIEW,
        "year": "2013/14",
        "amount": 20,
        "delivered": {"low": 3.6, "high": 8.775},
        "covered_percent": {"low": 18, "high": 43.9},
        "lines": ["LD-S01"],
    }
    assert targets[1]["delivered"] == {"low": 7.2, "high": 17.55} and targets[1]["amount"] == 20.5
    claims = [f for f in run.findings if f.code == Code.SAVING_CLAIMED_ELSEWHERE]
    assert [(f.where.file, f.value) for f in claims] == [
        ("proposal-learning-and-development.xlsx", "Corporate Services Review")
    ]
