"""Resubmissions: the submission number is parsed strictly, resolution never raises and is linear.

The linear resolution (``submissions.latest``) is checked against the rule as the docs state it,
written out here pairwise: a submission is final when its cover beats every other cover in its
group (a higher submission number, else a later date), and none is final when no cover does.
"""

from __future__ import annotations

import random
import re
import time
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jwmodel import submissions
from jwmodel.findings import Severity
from jwmodel.model import BaselineEntry, Partner
from jwmodel.submissions import (
    Cover,
    PartnerReturn,
    Status,
    assemble,
    beats,
    latest,
    submission_number,
    submission_number_problem,
)


def test_a_submission_number_is_one_to_six_ascii_digits():
    assert submission_number("1") == 1
    assert submission_number("007") == 7
    assert submission_number("999999") == 999_999
    for refused in ("", "²", "٣", "1e3", "-2", "2.5", " 2", "1000000", "9" * 5000, "½"):
        assert submission_number(refused) is None, refused
    for not_text in (None, 2, 2.0, b"2", ["2"]):
        assert submission_number(not_text) is None  # type: ignore[arg-type]


def test_a_bad_submission_number_is_named_in_the_problem_and_a_long_one_is_shortened_visibly():
    assert submission_number_problem("") == ""
    assert submission_number_problem("3") == ""
    assert "'²'" in submission_number_problem("²")
    long = submission_number_problem("9" * 5000)
    assert "5,000 characters" in long and len(long) < 400


@given(
    st.one_of(st.none(), st.integers(), st.floats(), st.text(), st.binary()),
    st.one_of(st.none(), st.integers(), st.text()),
    st.one_of(st.none(), st.integers(), st.text()),
    st.one_of(st.none(), st.integers(), st.text()),
)
def test_comparing_covers_never_raises_whatever_they_hold(number_a, number_b, date_a, date_b):
    a = Cover("t", "1.0", submitted=date_a, submission_version=number_a)  # type: ignore[arg-type]
    b = Cover("t", "1.0", submitted=date_b, submission_version=number_b)  # type: ignore[arg-type]
    assert beats(a, b) in (True, False, None)
    assert latest([a, b]) in (0, 1, None)


def _pairwise_final(covers: list[Cover]) -> int | None:
    """The rule as stated, pairwise: the cover later than every other one, by number then date."""

    def later(a: Cover, b: Cover) -> bool:
        na = int(a.submission_version) if a.submission_version else None
        nb = int(b.submission_version) if b.submission_version else None
        if na is not None and nb is not None and na != nb:
            return na > nb
        return bool(a.submitted and b.submitted and a.submitted > b.submitted)

    finals = [i for i, c in enumerate(covers) if all(later(c, d) for j, d in enumerate(covers) if j != i)]
    assert len(finals) <= 1
    return finals[0] if finals else None


covers = st.builds(
    lambda n, d: Cover("jwmodel partner return", "1.0", "2012/13", submitted=d, submission_version=n),
    st.sampled_from(["", "1", "2", "3"]),
    st.sampled_from(["", "2012-04-01", "2012-04-02", "2012-05-01"]),
)


@settings(max_examples=400)
@given(st.lists(covers, min_size=1, max_size=7))
def test_linear_resolution_picks_the_submission_the_pairwise_rule_picks(group):
    assert latest(group) == _pairwise_final(group)


@settings(max_examples=200)
@given(st.lists(covers, min_size=2, max_size=6))
def test_assemble_gives_the_pairwise_winner_and_supersedes_or_rejects_the_others(group):
    returns = [
        PartnerReturn(
            c,
            Partner("HC", "Hampshire Constabulary"),
            (BaselineEntry("HC", "Legal", Decimal(i), Decimal(1)),),
            file=f"{i}.xlsx",
        )
        for i, c in enumerate(group)
    ]
    assembly = assemble(returns, [])
    final = _pairwise_final(list(group))
    if final is None:
        assert assembly.programme.partners == ()
        assert {f: (s, x.code) for f, (s, x) in assembly.outcomes.items()} == {
            f"{i}.xlsx": (Status.REJECTED, "RESUBMISSION_UNDECIDED") for i in range(len(group))
        }
    else:
        assert assembly.programme.baseline == (BaselineEntry("HC", "Legal", Decimal(final), Decimal(1)),)
        assert {f: (s, x.code, x.severity) for f, (s, x) in assembly.outcomes.items()} == {
            f"{i}.xlsx": (Status.SUPERSEDED, "SUPERSEDED", Severity.INFO) for i in range(len(group)) if i != final
        }
        assert all(f"superseded by {final}.xlsx" in x.message for _, x in assembly.outcomes.values())


def _group(n: int) -> list[PartnerReturn]:
    """n submissions from one partner, numbered 1..n, the last one final."""
    return [
        PartnerReturn(
            Cover("t", "1.0", "2012/13", submission_version=str(i + 1)), Partner("HC", "HC"), file=f"r{i}.xlsx"
        )
        for i in range(n)
    ]


def test_resolving_ten_thousand_resubmissions_takes_about_ten_times_as_long_as_a_thousand():
    def seconds(n: int) -> float:
        group = _group(n)
        start = time.perf_counter()
        assembly = assemble(group, [])
        elapsed = time.perf_counter() - start
        assert assembly.programme.partners and len(assembly.outcomes) == n - 1
        return elapsed

    seconds(1_000)  # warm up
    small = min(seconds(1_000) for _ in range(3))
    large = min(seconds(10_000) for _ in range(3))
    assert large < 30 * small + 0.05  # pairwise comparison is 100 times (60 s at 10,000 in this order)
    assert large < 1.0


def _comparisons(monkeypatch, group: list[PartnerReturn]) -> tuple[int, int]:
    """Comparisons of two covers, and covers' numbers parsed, while ``assemble`` resolves ``group``."""
    counts = {"compare": 0, "parse": 0}
    compare, parse = submissions._later, submissions.submission_number

    def counted_compare(a, b):
        counts["compare"] += 1
        return compare(a, b)

    def counted_parse(text):
        counts["parse"] += 1
        return parse(text)

    with monkeypatch.context() as m:
        m.setattr(submissions, "_later", counted_compare)
        m.setattr(submissions, "submission_number", counted_parse)
        assembly = assemble(group, [])
    assert len(assembly.outcomes) >= len(group) - 1  # every file but the final one accounted for
    return counts["compare"], counts["parse"]


def _orders(n: int) -> dict[str, list[PartnerReturn]]:
    """One partner's n submissions: numbered in order, in reverse, shuffled, and all alike (undecided)."""
    ordered = _group(n)
    shuffled = ordered[:]
    random.Random(n).shuffle(shuffled)
    alike = [
        PartnerReturn(Cover("t", "1.0", "2012/13", "", "", "2012-04-01", "1"), Partner("HC", "HC"), file=f"r{i}")
        for i in range(n)
    ]
    return {"ordered": ordered, "reversed": ordered[::-1], "shuffled": shuffled, "undecided": alike}


def test_five_thousand_submissions_for_one_partner_take_at_most_five_times_the_work_of_a_thousand(monkeypatch):
    """Counted, not timed: comparing every pair would be 25 times the work (12.5 million comparisons)."""
    small, large = _orders(1_000), _orders(5_000)
    for order in small:
        compared_small, parsed_small = _comparisons(monkeypatch, small[order])
        compared_large, parsed_large = _comparisons(monkeypatch, large[order])
        assert compared_small <= 2 * 999 and compared_large <= 2 * 4_999, order  # two passes at most
        assert parsed_small <= 1_000 and parsed_large <= 5_000, order  # each cover's number read once
        assert compared_large <= 5 * (compared_small + 2), (order, compared_small, compared_large)  # 2(n - 1)


_DIGITS = re.compile(r"[0-9]{1,6}")


def _stated_rule_final(covers: list[Cover]) -> int | None:
    """The rule as the docs state it, pairwise, for any cover: a number is 1 to 6 ASCII digits (anything else
    is no number); a higher number is later, else (no number on either, or the same) a later ISO date."""

    def number(text: object) -> int | None:
        return int(text) if isinstance(text, str) and _DIGITS.fullmatch(text) else None

    def later(a: Cover, b: Cover) -> bool:
        na, nb = number(a.submission_version), number(b.submission_version)
        if na is not None and nb is not None and na != nb:
            return na > nb
        da = a.submitted if isinstance(a.submitted, str) else ""
        db = b.submitted if isinstance(b.submitted, str) else ""
        return bool(da and db and da > db)

    finals = [i for i, c in enumerate(covers) if all(later(c, d) for j, d in enumerate(covers) if j != i)]
    assert len(finals) <= 1
    return finals[0] if finals else None


any_cover = st.builds(
    lambda n, d: Cover("jwmodel partner return", "1.0", "2012/13", submitted=d, submission_version=n),
    st.one_of(
        st.sampled_from(["", "1", "2", "3", "02", "10", "999999", "1000000", "²", "1.5", " 2", "x"]),
        st.integers(0, 12).map(str),
        st.none(),
        st.integers(),
    ),
    st.one_of(st.sampled_from(["", "2012-04-01", "2012-04-02", "2012-05-01", "2013-01-01"]), st.none(), st.integers()),
)


@settings(max_examples=500)
@given(st.lists(any_cover, min_size=1, max_size=30))
def test_the_linear_resolution_gives_the_stated_pairwise_rule_on_any_covers(group):
    assert latest(group) == _stated_rule_final(group)


def test_an_undecided_group_names_ten_files_and_counts_the_rest():
    group = [PartnerReturn(Cover("t", "1.0", "2012/13"), Partner("HC", "HC"), file=f"r{i:03d}.xlsx") for i in range(25)]
    outcomes = assemble(group, []).outcomes
    message = outcomes["r000.xlsx"][1].message
    assert "25 different submissions (r000.xlsx, r001.xlsx," in message and "r009.xlsx and 15 more)" in message
    assert "r010.xlsx" not in message


anything = st.one_of(st.text(max_size=12), st.sampled_from(["²", "9" * 5000, "1", "2", "2012-04-02", ""]))


@settings(max_examples=200)
@given(st.lists(st.tuples(anything, anything, anything), min_size=1, max_size=5))
def test_assemble_never_raises_on_any_cover_and_accounts_for_every_file(fields):
    returns = [
        PartnerReturn(
            Cover("t", "1.0", financial_year=year, submitted=date, submission_version=number),
            Partner("HC", "HC"),
            (BaselineEntry("HC", "Legal", Decimal(i), Decimal(1)),),
            file=f"{i}.xlsx",
        )
        for i, (number, date, year) in enumerate(fields)
    ]
    assembly = assemble(returns, [])
    used = {f"{int(e.net)}.xlsx" for e in assembly.programme.baseline}
    assert len(used) <= 1
    assert used | set(assembly.outcomes) == {r.file for r in returns}
    assert not used & set(assembly.outcomes)
    assert all(x.code != "INTERNAL_ERROR" for _, x in assembly.outcomes.values())
