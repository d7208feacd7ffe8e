"""The Hampshire 2012 monitoring example, tracked: every figure worked out here by hand from the example's inputs.

The inputs are the example's quarterly deliveries and forecasts (``jwmodel.examples.hampshire_2012_monitoring``),
the published splits (FM 27/7/66, Legal 9/1/90, L&D 40/15/45; the illustrative driver splits of R&A 60/10/30,
Estates 30/5/65 and Media 40/25/35) and the version's phasing under the central case. The tracker is run on
the committed folder through ``jwmodel.track``; nothing here calls the tracking code to get an expected figure.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

import jwmodel
from jwmodel.examples import hampshire_2012_monitoring as ex

EXAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "examples" / "hampshire-2012-monitoring"
VERSION, FOLDER = EXAMPLE / ex.VERSION_FILE, EXAMPLE / ex.RETURNS
YEARS = ("2012/13", "2013/14", "2014/15")
PARTNERS = ("HC", "HFRS", "HCC")
PERCENT = {
    "Learning & Development": (40, 15, 45),
    "Research & Analysis": (60, 10, 30),
    "Estates & Property Services": (30, 5, 65),
    "Facilities Management": (27, 7, 66),
    "Media & Communications": (40, 25, 35),
    "Legal Services": (9, 1, 90),
}
SOLE_HC = "Brought-in services: procured Estates and Property Management"
# The version's plan, central case (the midpoint of each range, phased by its ramp), 2012/13 to 2014/15, by hand.
PLAN = {
    "Shared IT systems and in-house leadership programmes": ("0", "-13.75", "-27.5"),  # -27.5 from 2013/14 at 50, 100
    "Combined training resources: venues, bought-in services, IT systems, income": ("-1.75", "-3.5", "-3.5"),
    "Shared software licences including a joint GIS system": ("0", "2.5", "2.5"),
    "Reduced staffing in the joint Estates and Property team": ("-32.75", "-65.5", "-65.5"),
    SOLE_HC: ("0", "-32.875", "-98.625"),  # -131.5 from 2013/14 at 25, 75, 100
    "Combined delivery services: reduced staff numbers": ("-17.5", "-35", "-35"),
    "Additional management capacity to drive convergence": ("18", "18", "18"),
    "Reduced duplication of campaigns and external supplier costs": ("0", "-20", "-40"),
    "Additional resource to manage the joint communications unit": ("30.5", "30.5", "30.5"),
    "In-house delivery of legal work HFRS now outsources": ("-4.75", "-9.5", "-9.5"),
    "IT system serving a larger team": ("2", "2", "2"),
}
# RAG by the documented rule, worked out line by line (docs/tracking.md shows the arithmetic).
RAG = {
    "Shared IT systems and in-house leadership programmes": "green",  # -42 against -41.25
    "Combined training resources: venues, bought-in services, IT systems, income": "green",  # -10 against -8.75
    "Shared software licences including a joint GIS system": "amber",  # 6 against 5: worse by 1, 20% of 5
    "Reduced staffing in the joint Estates and Property team": "amber",  # -162 against -163.75
    SOLE_HC: "green",  # delivered early: -274 against -131.5
    "Combined delivery services: reduced staff numbers": "green",  # -89 against -87.5
    "Additional management capacity to drive convergence": "green",  # 54 against 54
    "Reduced duplication of campaigns and external supplier costs": "red",  # dropped
    "Additional resource to manage the joint communications unit": "amber",  # 93 against 91.5
    "In-house delivery of legal work HFRS now outsources": "green",  # -25 against -23.75
    "IT system serving a larger team": "green",  # 6 against 6
}


def counted(partner: str, period: str, *, drafts: bool) -> bool:
    """Whether a partner's return for a period counts: HC's 2014/15 Q4 never came; HFRS's is a draft."""
    if (partner, period) in ex.MISSING:
        return False
    return drafts or (partner, period) not in ex.DRAFTS


def expected_actual(drafts: bool = False) -> dict[str, tuple[D, D, D]]:
    """Each line's delivery by year: the quarters of the returns that count (the resubmission's figure for
    HCC's reopened 2013/14 Q2, which is the example's figure for the quarter)."""
    out = {}
    for (service, description), (quarters, _, _) in ex.DELIVERED.items():
        lead = ex.LEADS[service]
        out[description] = tuple(
            sum(
                (quarters[4 * y + q] for q in range(4) if counted(lead, ex.PERIODS[4 * y + q], drafts=drafts)),
                D(0),
            )
            for y in range(3)
        )
    return out


def expected_forecast(drafts: bool = False) -> dict[str, tuple[D, D, D]]:
    """Past years: what was delivered; this year (2014/15): the forecast the returns give."""
    actual = expected_actual(drafts)
    return {d: (actual[d][0], actual[d][1], forecasts[2]) for (_, d), (_, forecasts, _) in ex.DELIVERED.items()}


def share(description: str, amount: D, partner: str) -> D:
    """A partner's share of a line's figure by the line's own rule (every example figure splits exactly)."""
    service = next(s for s, d in ex.DELIVERED if d == description)
    if description == SOLE_HC:
        return amount if partner == "HC" else D(0)
    return amount * PERCENT[service][PARTNERS.index(partner)] / 100


def by_year(table: list[dict], key: str, name: str, column: str) -> list[D]:
    return [D(str(r[column])) for r in table if r[key] == name and r["year"] in YEARS]


@pytest.fixture(scope="module")
def tracked():
    return jwmodel.track(VERSION, FOLDER, as_of=ex.AS_OF, workers=0).to_json()


@pytest.fixture(scope="module")
def with_drafts():
    return jwmodel.track(VERSION, FOLDER, as_of=ex.AS_OF, workers=0, include_drafts=True).to_json()


def _line_rows(doc: dict, description: str) -> list[dict]:
    return [r for r in doc["by_line"] if r["description"] == description and r["year"] in YEARS]


def test_delivered_savings_and_forecasts_per_line_and_year(tracked):
    actual, forecast = expected_actual(), expected_forecast()
    assert len({r["line_id"] for r in tracked["by_line"]}) == len(ex.DELIVERED) == 11
    for description in actual:
        rows = _line_rows(tracked, description)
        assert [D(str(r["actual"])) for r in rows] == list(actual[description]), description
        assert [D(str(r["forecast"])) for r in rows] == list(forecast[description]), description
        assert [D(str(r["plan"])) for r in rows] == [D(p) for p in PLAN[description]], description
    # by hand, three of them: the line delivered early, the line dropped, a line with HC's Q4 missing
    assert actual[SOLE_HC] == (D(-10), D(-132), D(-99))
    assert actual["Reduced duplication of campaigns and external supplier costs"] == (D(0), D(-5), D(0))
    assert actual["Reduced staffing in the joint Estates and Property team"] == (D(-32), D(-66), D(-48))


def test_a_draft_counts_only_with_include_drafts(tracked, with_drafts):
    line = "Additional resource to manage the joint communications unit"
    assert D(str(_line_rows(tracked, line)[2]["actual"])) == D(24)  # Q1-Q3: 8 + 8 + 8
    assert D(str(_line_rows(with_drafts, line)[2]["actual"])) == D(31)  # and HFRS's draft Q4: 7
    assert "2014/15 Q4" in with_drafts["periods"]


def test_delivered_savings_per_service_partner_and_year_and_cumulative(tracked):
    actual, forecast = expected_actual(), expected_forecast()
    for service in PERCENT:
        lines = [d for s, d in ex.DELIVERED if s == service]
        want = [sum((actual[d][y] for d in lines), D(0)) for y in range(3)]
        assert by_year(tracked["by_service"], "service", service, "actual") == want, service
    for partner in PARTNERS:
        want = [sum((share(d, actual[d][y], partner) for d in actual), D(0)) for y in range(3)]
        assert by_year(tracked["by_partner"], "partner", partner, "actual") == want, partner
        cumulative = [sum(want[: y + 1], D(0)) for y in range(3)]
        assert by_year(tracked["by_partner"], "partner", partner, "cumulative_actual") == cumulative, partner
        want_f = [sum((share(d, forecast[d][y], partner) for d in forecast), D(0)) for y in range(3)]
        assert by_year(tracked["by_partner"], "partner", partner, "forecast") == want_f, partner
    assert by_year(tracked["by_partner"], "partner", "HC", "actual")[0] == D("-8.27")  # worked in docs/tracking.md
    programme = [sum((actual[d][y] for d in actual), D(0)) for y in range(3)]
    running = [sum(programme[: y + 1], D(0)) for y in range(3)]
    assert by_year(tracked["by_service"], "service", "Programme", "cumulative_actual") == running
    plan_to_date = sum((D(p) for plan in PLAN.values() for p in plan), D(0))
    forecast_to_date = sum((sum(f, D(0)) for f in forecast.values()), D(0))
    assert (plan_to_date, forecast_to_date) == (D(-360), D(-448))
    assert by_year(tracked["by_service"], "service", "Programme", "cumulative_plan")[2] == plan_to_date
    assert by_year(tracked["by_service"], "service", "Programme", "cumulative_forecast")[2] == forecast_to_date


def test_rag_statuses(tracked):
    for description, status in RAG.items():
        assert {r["rag"] for r in _line_rows(tracked, description)} == {status}, description
    programme = [r for r in tracked["by_service"] if r["service"] == "Programme"]
    assert {r["rag"] for r in programme} == {"green"}  # -448 against -360


def test_each_partners_coverage_of_its_targets(tracked):
    """A target is met by the partner's share of the lines tagged to it (savings as positive figures)."""
    forecast, actual = expected_forecast(), expected_actual()
    rows = {(r["partner"], r["year"]): r for r in tracked["targets"]}
    assert len(rows) == len(ex.TARGETS) == 5
    for t in ex.TARGETS:
        y = YEARS.index(t.year)
        tagged = [d for (_, d), tag in ex.TAGS.items() if tag == (t.partner, t.name)]
        saved = -sum((share(d, forecast[d][y], t.partner) for d in tagged), D(0))
        delivered = -sum((share(d, actual[d][y], t.partner) for d in tagged), D(0))
        coverage = (saved * 100 / t.amount).quantize(D("0.1"))
        row = rows[(t.partner, t.year)]
        got = (D(str(row["forecast"])), D(str(row["actual"])), D(str(row["coverage"])))
        assert got == (saved, delivered, coverage), t
        assert row["state"] == ("met" if coverage >= 100 else "partly met"), t
    # by hand: HC's 2014/15 target of 200 against its Estates lines: 30% of 64 staffing, all 132 procurement
    hc = rows[("HC", "2014/15")]
    assert (hc["forecast"], hc["coverage"], hc["state"]) == (151.2, 75.6, "partly met")
    # HFRS's: the dropped Media line leaves only 1% of the legal saving of 10
    assert (rows[("HFRS", "2014/15")]["forecast"], rows[("HFRS", "2014/15")]["coverage"]) == (0.1, 1)


def test_outstanding_list_and_chase_list(tracked):
    late = [(o["partner"], o["period"], o["due"], o["state"], o["days_late"]) for o in tracked["outstanding"]]
    assert late == [
        ("HFRS", "2013/14 Q3", "2014-01-31", "late", 14),  # came on 2014-02-14
        ("HC", "2014/15 Q4", "2015-04-30", "outstanding", 29),  # not come by 2015-05-29
    ]
    assert [(c["partner"], c["period"], c["days_late"], c["contact"], c["email"]) for c in tracked["chase"]] == [
        ("HC", "2014/15 Q4", 29, *ex.CONTACTS["HC"])
    ]


def test_benefit_measures_against_baseline_and_target(tracked):
    latest = {}
    for r in tracked["measures"]:
        latest[r["measure"]] = r
    satisfaction, fix = latest[ex.SATISFACTION], latest[ex.ICT_FIX]
    assert (satisfaction["value"], satisfaction["progress"], satisfaction["state"]) == (80, 100, "target met")
    assert (fix["value"], fix["progress"], fix["state"]) == (9, 87.5, "improving")  # (9 - 16) / (8 - 16)


def test_the_reopened_period_and_the_draft_are_recorded(tracked):
    codes = {f["code"] for f in tracked["findings"]}
    assert {"RETURN_REOPENED", "RETURN_DRAFT", "RETURN_LATE", "RETURN_OUTSTANDING"} <= codes
    superseded = [s["file"] for s in tracked["sources"] if s["status"] == "superseded"]
    assert superseded == ["monitoring-HCC-2013-14-Q2.xlsx"]


def test_the_command_prints_what_docs_tracking_shows(tmp_path, capsys):
    import re

    from jwmodel.cli import main

    page = (EXAMPLE.parents[2] / "docs" / "tracking.md").read_text(encoding="utf-8")
    shown = re.search(r"```\n(Tracked .*?)```", page, re.S).group(1).splitlines()
    argv = ["track", str(VERSION), str(FOLDER), "--as-of", ex.AS_OF, "-o", str(tmp_path / "t.xlsx"), "--workers", "0"]
    assert main(argv) == 2  # a return is outstanding
    printed = capsys.readouterr().out.splitlines()
    assert len(shown) == 7 and all(line in printed for line in shown), (shown, printed)
