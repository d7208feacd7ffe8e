"""The terminal report's blocks for issue 12: the plan years a line applies in, and the recharges."""

from __future__ import annotations

from decimal import Decimal as D
from types import SimpleNamespace

from jwmodel.recharges import Elimination, RechargeMatch, Recharges
from jwmodel.report_text import _spans, recharges_table

PLAN = ("2011/12", "2012/13", "2013/14", "2014/15", "2015/16")


def test_a_run_of_years_is_said_from_first_to_last_and_a_gap_splits_it():
    assert _spans(("2013/14", "2014/15", "2015/16"), PLAN) == "2013/14 to 2015/16"
    assert _spans(("2011/12", "2012/13", "2015/16"), PLAN) == "2011/12 to 2012/13 and 2015/16"
    assert _spans(("2012/13",), PLAN) == "2012/13"


def test_every_year_and_no_year_are_said_in_words():
    assert _spans(PLAN, PLAN) == "every year"
    assert _spans((), PLAN) == "no year"


def test_the_recharges_block_counts_each_status_and_invoices_the_receivers_amount_or_else_the_payers():
    years = ("2011/12", "2012/13")
    matches = (
        RechargeMatch("A", "B", "ICT", "2011/12", D(300), D(310)),  # differs: B invoices its own 310
        RechargeMatch("A", "B", "ICT", "2012/13", D(300), None),  # payer only: B invoices what A says, 300
    )
    eliminations = (Elimination("ICT", D(1000), D(300), D(700)),)
    text = recharges_table(SimpleNamespace(recharges=Recharges("2011/12", years, matches, eliminations)))
    lines = text.splitlines()
    assert lines[0].endswith("state it: 1 differs, 1 payer only")
    assert lines[2].split() == ["B", "invoices", "A", "ICT", "310", "300"]
    # 1,000 gross less the 300 A pays = 700
    assert lines[3].startswith("Baseline 2011/12: gross 1,000 less charges eliminated 300 = 700")
    assert recharges_table(SimpleNamespace(recharges=None)) == ""
