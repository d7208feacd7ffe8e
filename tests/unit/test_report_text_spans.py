"""How the terminal report says which plan years a line applies in (report_text._spans)."""

from __future__ import annotations

from jwmodel.report_text import _spans

PLAN = ("2011/12", "2012/13", "2013/14", "2014/15", "2015/16")


def test_a_run_of_years_is_said_from_first_to_last_and_a_gap_splits_it():
    assert _spans(("2013/14", "2014/15", "2015/16"), PLAN) == "2013/14 to 2015/16"
    assert _spans(("2011/12", "2012/13", "2015/16"), PLAN) == "2011/12 to 2012/13 and 2015/16"
    assert _spans(("2012/13",), PLAN) == "2012/13"


def test_every_year_and_no_year_are_said_in_words():
    assert _spans(PLAN, PLAN) == "every year"
    assert _spans((), PLAN) == "no year"
