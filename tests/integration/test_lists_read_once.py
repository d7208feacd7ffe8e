"""A programme's Lists sheet is checked once per reading process; a file whose Lists differ is still read as it is."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jwmodel.excel import reading
from jwmodel.excel import schema as s
from jwmodel.excel.templates import write_partner_return
from jwmodel.model import BaselineEntry, Partner
from jwmodel.submissions import Cover, PartnerReturn, ProgrammeSetup

PARTNERS = (Partner("HC", "Hampshire Constabulary"), Partner("HCC", "Hampshire County Council"))
SERVICES = ("Legal Services", "Estates")


def filled(path: Path, setup: ProgrammeSetup) -> Path:
    cover = Cover(s.PARTNER_RETURN, s.VERSION, "2012/13", "Ann", "ann@example.org", "2012-05-01", "1")
    entry = BaselineEntry("HC", SERVICES[0], Decimal(100), Decimal(2))
    return write_partner_return(path, setup, PartnerReturn(cover, PARTNERS[0], (entry,), None, setup))


def setup_of(path: Path):
    submission, record = reading.read_workbook_bytes(path.read_bytes(), path.name)
    return (submission.setup if submission else None), record


@pytest.fixture(autouse=True)
def nothing_kept():
    reading._LISTS_READ.clear()
    yield
    reading._LISTS_READ.clear()


def test_the_same_lists_give_one_setup_and_different_lists_their_own(tmp_path):
    first = filled(tmp_path / "a.xlsx", ProgrammeSetup(PARTNERS, SERVICES))
    second = filled(tmp_path / "b.xlsx", ProgrammeSetup(PARTNERS, SERVICES))
    other = filled(tmp_path / "c.xlsx", ProgrammeSetup(PARTNERS, (*SERVICES, "Fleet")))
    a, _ = setup_of(first)
    b, _ = setup_of(second)
    c, _ = setup_of(other)
    assert a.lists == (PARTNERS, SERVICES)
    assert b is a  # checked once: the second file's identical Lists give the same setup
    assert c.lists == (PARTNERS, (*SERVICES, "Fleet"))  # its own lists, read in full
    assert c.service_cells[-1] == "C4"  # the third service, below the header (partners in A and B)


def test_lists_with_a_finding_are_checked_in_every_file(tmp_path):
    lookalike = "Lеgal Services"  # a Cyrillic 'е'
    paths = [write_partner_return(tmp_path / f"{n}.xlsx", ProgrammeSetup(PARTNERS, (lookalike,))) for n in "ab"]
    for path in paths:
        _, record = setup_of(path)
        bad = [f for f in record.findings if f.code == "BAD_NAME"]
        assert [(f.where.file, f.where.sheet) for f in bad] == [(path.name, "Lists")]
    assert reading._LISTS_READ == {}
