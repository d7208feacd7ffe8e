"""Each read file held to the programme definition (jwmodel.excel.batch): lists shared by many files are
compared with the definition once, and lists that fail are never taken as passed for another file."""

from __future__ import annotations

import jwmodel.excel.batch as batch
from jwmodel.definition import ProgrammeDefinition
from jwmodel.model import Partner
from jwmodel.submissions import Cover, PartnerReturn, ProgrammeSetup, SourceRecord, Status

DEFINITION = ProgrammeDefinition(
    (Partner("HC", "Hampshire Constabulary"), Partner("HCC", "Hampshire County Council")),
    ("Legal Services",),
    "Example",
    "2012/13",
)
PASSING = ProgrammeSetup((Partner("HC", "Hampshire Constabulary"),), ("Legal Services",), "", (("A2", "B2"),), ("C2",))
ADDING = ProgrammeSetup((Partner("XX", "Someone Else"),), ("Legal Services",), "", (("A2", "B2"),), ("C2",))


def read(file: str, setup: ProgrammeSetup) -> batch.Extracted:
    """A return as the reader gives it back, holding ``setup`` (the intake's one shared copy of those lists)."""
    submission = PartnerReturn(Cover("t", "1.0"), Partner("HC", "HC on the cover"), setup=setup, file=file)
    return submission, SourceRecord(file, f"sha-{file}", "partner return", Status.ACCEPTED)


def counting(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = batch.list_findings

    def list_findings(definition, setup, file, *, sheet):
        calls.append(file)
        return real(definition, setup, file, sheet=sheet)

    monkeypatch.setattr(batch, "list_findings", list_findings)
    return calls


def test_three_files_sharing_one_copy_of_passing_lists_are_compared_once_and_all_taken_in_the_programmes_terms(
    monkeypatch,
):
    calls = counting(monkeypatch)
    held = batch._held([read(f"r{i}.xlsx", PASSING) for i in range(3)], DEFINITION)
    assert calls == ["r0.xlsx"]  # the first file's copy passed: the other two hold the same object
    # each taken, with the programme's name for its partner instead of the cover's
    assert [(s.partner.name, r.status) for s, r in held] == [("Hampshire Constabulary", Status.ACCEPTED)] * 3


def test_equal_lists_in_another_copy_are_compared_again(monkeypatch):
    calls = counting(monkeypatch)
    copy = ProgrammeSetup(PASSING.partners, PASSING.services, "", PASSING.partner_cells, PASSING.service_cells)
    assert copy == PASSING and copy is not PASSING  # equal, but another object: nothing is assumed about it
    batch._held([read("a.xlsx", PASSING), read("b.xlsx", copy), read("c.xlsx", PASSING)], DEFINITION)
    assert calls == ["a.xlsx", "b.xlsx"]


def test_lists_that_fail_are_compared_for_every_file_and_each_rejection_is_located_in_its_own_file(monkeypatch):
    calls = counting(monkeypatch)
    held = batch._held([read("a.xlsx", ADDING), read("b.xlsx", ADDING)], DEFINITION)
    assert calls == ["a.xlsx", "b.xlsx"]
    for (submission, record), file in zip(held, ("a.xlsx", "b.xlsx"), strict=True):
        assert submission is None and record.status == Status.REJECTED
        assert [(f.code, f.where.file, f.where.cell) for f in record.findings] == [
            ("PROGRAMME_PARTNER_ADDED", file, "A2")
        ]
