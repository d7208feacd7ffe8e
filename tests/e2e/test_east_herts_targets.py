"""East Herts and Stevenage: each council's MTFP savings targets and how much of them the programme covers.

The figures are ILLUSTRATIVE (the report gives none). Expected coverage is worked out here from the
example's inputs: each council's whole-percentage share of the service's baseline, times the line's
saving, phased by the line's ramp, summed over the lines tagged to the council's target.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path

from jwmodel.cli import main
from jwmodel.examples import east_herts_2011 as eh

FOLDER = Path(__file__).resolve().parents[2] / "workbooks" / "examples" / "east-herts-stevenage-2011"

# (service, low, high, first year, ramp %) of each tagged line, as typed in the example (savings positive here)
TAGGED = {
    "EHC": (
        ("Facilities Management", 45, 70, "2012/13", (50, 100)),
        ("Strategic Financial Advice", 35, 55, "2012/13", (100,)),
    ),
    "SBC": (("ICT", 90, 150, "2013/14", (50, 100)), ("ICT", 30, 50, "2012/13", (100,))),
}
TARGETS = {  # (partner, year) -> amount, as the example's returns give them
    ("EHC", "2012/13"): D(40),
    ("EHC", "2013/14"): D(60),
    ("SBC", "2012/13"): D(30),
    ("SBC", "2013/14"): D(100),
}


def _percent(partner: str, service: str) -> D:
    """The council's whole-percentage share of the service's baseline between the two councils."""
    column = eh.SERVICES_IN_ORDER.index(service)
    own = D(eh.BASELINE[partner][column][0])
    both = sum(D(eh.BASELINE[p][column][0]) for p in ("EHC", "SBC"))
    return (own * 100 / both).quantize(D(1), rounding=ROUND_HALF_UP)


def _ramp(first: str, ramp: tuple[int, ...], year: str) -> D:
    """The share of the full saving a line delivers in ``year`` (100% after its ramp ends)."""
    step = int(year[:4]) - int(first[:4])
    return D(0) if step < 0 else D(ramp[min(step, len(ramp) - 1)]) / 100


def _expected(partner: str, year: str) -> tuple[D, D]:
    low = high = D(0)
    for service, lo, hi, first, ramp in TAGGED[partner]:
        share = _percent(partner, service) / 100 * _ramp(first, ramp, year)
        low, high = low + lo * share, high + hi * share
    return low, high


def _percent_of(delivered: D, amount: D) -> D:
    return (delivered * 100 / amount).quantize(D("0.1"), rounding=ROUND_HALF_UP)


def test_the_shares_used_are_whole_percentages_that_add_up():
    for service in ("Facilities Management", "Strategic Financial Advice", "ICT"):
        assert _percent("EHC", service) + _percent("SBC", service) == 100


def test_each_councils_coverage_of_its_mtfp_targets_in_the_summary(tmp_path):
    out = tmp_path / "summary.json"
    workbook = tmp_path / "consolidated.xlsx"  # not the default, which is in the working directory
    assert main(["consolidate", str(FOLDER), "-o", str(workbook), "--json", str(out), "-q"]) == 0
    rows = json.loads(out.read_text())["targets"]
    assert {(r["partner"], r["year"]): D(str(r["amount"])) for r in rows} == TARGETS
    for row in rows:
        low, high = _expected(row["partner"], row["year"])
        assert (D(str(row["delivered"]["low"])), D(str(row["delivered"]["high"]))) == (low, high), row
        covered = (D(str(row["covered_percent"]["low"])), D(str(row["covered_percent"]["high"])))
        assert covered == (
            _percent_of(low, TARGETS[row["partner"], row["year"]]),
            _percent_of(high, TARGETS[row["partner"], row["year"]]),
        )
    ehc_2012 = next(r for r in rows if (r["partner"], r["year"]) == ("EHC", "2012/13"))
    assert ehc_2012["lines"] == ["FM-S01", "SFA-S01"]  # the lines tagged to the target
    assert _expected("EHC", "2012/13") == (D("25.325"), D("39.65"))  # 41% of 45..70 at 50%, 46% of 35..55


def test_the_targets_are_labelled_illustrative_and_raise_no_double_counting_finding():
    programme = eh.programme()
    assert programme.targets and all(t.note == eh.ILLUSTRATIVE for t in programme.targets)
    from jwmodel.claims import target_findings

    assert target_findings(programme) == ()
