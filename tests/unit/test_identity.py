"""Lines that keep their identity: given IDs, the ID rule, and two lines with one ID."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from jwmodel.codes import Code, Severity
from jwmodel.consolidation import consolidate
from jwmodel.examples import hampshire_2012
from jwmodel.findings import Location
from jwmodel.identity import (
    duplicate_id_findings,
    given_line_id,
    line_id_problem,
    programme_id_findings,
    with_given_ids,
)
from jwmodel.model import Category, OneOffCost, OneOffType, Range, SavingLine
from jwmodel.rules import proposal_findings
from jwmodel.submissions import Cover, ProgrammeSetup, WorkstreamProposal

HERE = Location("p.xlsx", "Saving lines", "A5")


def _line(line_id: str, where: Location = HERE) -> SavingLine:
    return SavingLine(
        "Legal Services",
        f"line {line_id}",
        Category.CASHABLE_STAFFING,
        Range(D(-5), D(-8)),
        where=where,
        line_id=line_id,
    )


def test_a_given_id_is_the_service_initials_the_kind_and_the_row_number():
    assert given_line_id("Learning & Development", one_off=False, position=1) == "LD-S01"
    assert given_line_id("Estates & Property Services", one_off=True, position=2) == "EPS-C02"
    assert given_line_id("Finance", one_off=False, position=12) == "FIN-S12"
    assert given_line_id("ICT", one_off=True, position=1) == "ICT-C01"


def test_an_id_is_letters_digits_and_a_few_marks():
    assert line_id_problem("LD-S01") == ""
    assert line_id_problem("2012/HR.3_a") == ""
    for bad in ("LD S01", '=HYPERLINK("x")', "-S01", "A" * 31, "LD-Ş01", ""):
        assert "a line ID is letters" in line_id_problem(bad), bad


def test_the_worked_examples_carry_the_ids_a_blank_id_column_would_be_given():
    ids = [line.line_id for line in hampshire_2012.programme().saving_lines]
    assert ids == [
        "LD-S01",
        "LD-S02",
        "RA-S01",
        "EPS-S01",
        "EPS-S02",
        "FM-S01",
        "FM-S02",
        "MC-S01",
        "MC-S02",
        "LS-S01",
        "LS-S02",
    ]
    costs = [c.line_id for c in hampshire_2012.programme().one_off_costs]
    assert costs == ["LD-C01", "RA-C01", "EPS-C01", "FM-C01", "MC-C01", "LS-C01"]


def test_an_id_typed_is_kept_and_only_blank_ones_are_given():
    lines = with_given_ids([_line(""), _line("MINE-1"), _line("")])
    assert [x.line_id for x in lines] == ["LS-S01", "MINE-1", "LS-S03"]


def test_two_lines_of_one_file_with_one_id_reject_it_ignoring_case():
    first = _line("LS-S01", Location("p.xlsx", "Saving lines", "A5"))
    second = _line("ls-s01", Location("p.xlsx", "Saving lines", "A7"))
    cost = OneOffCost("Legal Services", "c", OneOffType.IT, Range(D(1), D(2)), line_id="LS-C01")
    proposal = WorkstreamProposal(
        Cover("Workstream proposal", "1", "2012/13", "", "", "", "1"),
        hampshire_2012.SERVICES[-1],
        (first, second),
        (cost,),
        (),
        ProgrammeSetup((), ()),
        "p.xlsx",
    )
    found = [f for f in proposal_findings(proposal) if f.code == Code.LINE_ID_DUPLICATE]
    assert [(f.where.sheet, f.where.cell, f.severity) for f in found] == [("Saving lines", "A7", Severity.ERROR)]
    assert "(A5) already has" in found[0].message
    assert duplicate_id_findings((first, cost)) == ()


def test_two_files_with_one_id_are_a_warning_and_both_lines_are_counted():
    programme = hampshire_2012.programme()
    lines = list(programme.saving_lines)
    lines[2] = replace(lines[2], line_id="LD-S01", where=Location("proposal-r.xlsx", "Saving lines", "A5"))
    clashing = replace(programme, saving_lines=tuple(lines))
    found = programme_id_findings(clashing)
    assert [(f.code, f.severity, f.where.file, f.value) for f in found] == [
        (Code.LINE_ID_CLASH, Severity.WARNING, "proposal-r.xlsx", "LD-S01")
    ]
    before, after = consolidate(programme), consolidate(clashing)
    assert after.total == before.total  # both lines still counted
    assert [f for f in after.findings if f.code == Code.LINE_ID_CLASH] == list(found)
    assert not [f for f in before.findings if f.code == Code.LINE_ID_CLASH]
