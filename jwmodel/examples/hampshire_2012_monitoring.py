"""Hampshire 2012 monitored after approval, 2012/13 to 2014/15: quarterly monitoring returns.

ILLUSTRATIVE: the published papers give no actuals. Every figure below is invented to show the
tracker at work, and labelled so on every return. The approved version tracked is the Hampshire 2012
business case (``jwmodel.examples.hampshire_2012``) under its default options.

Each partner reports the lines of the service areas it leads, for the whole line (the tracker splits
it by the line's own rule): HC leads Research & Analysis and Estates, HFRS Media and Legal, HCC
Learning & Development and Facilities Management. The story the returns tell:

* a line delivered early: the procured Estates and Property Management saving (HC, sole bearer) is
  planned from 2013/14 at 25%, 75%, 100%; it starts in 2012/13 Q4 and is delivered in full from 2013/14;
* a line dropped: the Media saving from less duplication is at risk in 2013/14 Q1 and dropped in Q2;
* a late return: HFRS's 2013/14 Q3 return comes on 2014-02-14, two weeks after it was due;
* a return outstanding: HC's 2014/15 Q4 return has not come by the date the tracker is run;
* a draft: HFRS's 2014/15 Q4 return is a draft (counted only with ``--include-drafts``);
* a period reopened: HCC resubmits its final, signed-off 2013/14 Q2 return to correct an FM figure;
* a target partly met: each partner's financial-plan savings targets (in the approved version, with the
  lines tagged to them) against its share of those lines;
* two benefit measures: customer satisfaction (higher is better) and time to fix ICT incidents (lower).

This module is data only; ``jwmodel.excel.monitoring_example`` writes the workbooks from it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from jwmodel.model import SavingsTarget
from jwmodel.monitoring import BenefitMeasure, Better, MonitoringPlan, ReturnDue, quarters

ILLUSTRATIVE = "ILLUSTRATIVE: invented to show the tracker; the published papers give no actuals"
VERSION_NAME = "Cabinet April 2012"
VERSION_FILE = "approved-version.json"
VERSION_CREATED = "2012-04-24"
BUSINESS_CASE = "business-case"  # the approved version's returns and proposals (with targets and tags)
RETURNS = "returns"  # the monitoring returns and the programme definition with its monitoring section
FIRST_YEAR, YEARS = "2012/13", 3
PERIODS = quarters(FIRST_YEAR, YEARS)  # 2012/13 Q1 ... 2014/15 Q4
AS_OF = "2015-05-29"  # the day the tracker in docs/tracking.md was run

# Who leads (and reports) each service area's lines.
LEADS = {
    "Research & Analysis": "HC",
    "Estates & Property Services": "HC",
    "Media & Communications": "HFRS",
    "Legal Services": "HFRS",
    "Learning & Development": "HCC",
    "Facilities Management": "HCC",
}
CONTACTS = {
    "HC": ("Constabulary finance business partner (example)", "finance@hc.example"),
    "HFRS": ("Fire and Rescue finance officer (example)", "finance@hfrs.example"),
    "HCC": ("County Council programme accountant (example)", "finance@hcc.example"),
}
SIGN_OFF = {
    "HC": ("Chief Finance Officer (example)", "Chief Finance Officer"),
    "HFRS": ("Treasurer (example)", "Section 151 officer"),
    "HCC": ("Director of Corporate Resources (example)", "Section 151 officer"),
}

_IT = "IT resource to implement joint IT systems"
_STATUS = {"o": "on track", "r": "at risk", "d": "delivered", "x": "dropped"}


def _q(*values: int) -> tuple[D, ...]:
    return tuple(D(v) for v in values)


# Saving lines, by (service, description): delivered in each quarter 2012/13 Q1 ... 2014/15 Q4 (£000s, the
# whole line, cost positive, saving negative); the forecast each return gives for its year (a full year);
# and the status letter in each quarter (o on track, r at risk, d delivered, x dropped).
DELIVERED: dict[tuple[str, str], tuple[tuple[D, ...], tuple[D, D, D], str]] = {
    ("Learning & Development", "Shared IT systems and in-house leadership programmes"): (
        _q(0, 0, 0, 0, -3, -3, -4, -4, -7, -7, -7, -7),
        _q(0, -14, -28),
        "oooooooooooo",
    ),
    ("Learning & Development", "Combined training resources: venues, bought-in services, IT systems, income"): (
        _q(0, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1),
        _q(-2, -4, -4),
        "oooooooooooo",
    ),
    ("Research & Analysis", "Shared software licences including a joint GIS system"): (
        _q(0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0),
        _q(0, 3, 3),
        "oooooooooooo",
    ),
    ("Estates & Property Services", "Reduced staffing in the joint Estates and Property team"): (
        _q(-8, -8, -8, -8, -16, -16, -17, -17, -16, -16, -16, -16),
        _q(-32, -66, -64),
        "oooooooooooo",
    ),
    ("Estates & Property Services", "Brought-in services: procured Estates and Property Management"): (
        _q(0, 0, 0, -10, -33, -33, -33, -33, -33, -33, -33, -33),
        _q(-10, -132, -132),
        "oooodddddddd",
    ),
    ("Facilities Management", "Combined delivery services: reduced staff numbers"): (
        _q(-4, -4, -5, -5, -9, -9, -9, -8, -9, -9, -9, -9),
        _q(-18, -35, -36),
        "oooooooooooo",
    ),
    ("Facilities Management", "Additional management capacity to drive convergence"): (
        _q(5, 5, 4, 4, 5, 4, 5, 4, 4, 5, 4, 5),
        _q(18, 18, 18),
        "oooooooooooo",
    ),
    ("Media & Communications", "Reduced duplication of campaigns and external supplier costs"): (
        _q(0, 0, 0, 0, -5, 0, 0, 0, 0, 0, 0, 0),
        _q(0, -5, 0),
        "oooorxxxxxxx",
    ),
    ("Media & Communications", "Additional resource to manage the joint communications unit"): (
        _q(8, 8, 7, 8, 8, 7, 8, 8, 8, 8, 8, 7),
        _q(31, 31, 31),
        "oooooooooooo",
    ),
    ("Legal Services", "In-house delivery of legal work HFRS now outsources"): (
        _q(-1, -1, -1, -2, -2, -2, -3, -3, -2, -3, -2, -3),
        _q(-5, -10, -10),
        "oooooooooooo",
    ),
    ("Legal Services", "IT system serving a larger team"): (
        _q(1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0),
        _q(2, 2, 2),
        "oooooooooooo",
    ),
}
COMMENTS = {
    ("Estates & Property Services", "Brought-in services: procured Estates and Property Management", "2012/13 Q4"): (
        "Contracts aligned a year early: saving starts in Q4"
    ),
    ("Media & Communications", "Reduced duplication of campaigns and external supplier costs", "2013/14 Q1"): (
        "Joint campaign calendar not agreed"
    ),
    ("Media & Communications", "Reduced duplication of campaigns and external supplier costs", "2013/14 Q2"): (
        "Dropped: each partner keeps its own campaigns and suppliers"
    ),
}
# HCC's first 2013/14 Q2 return (final, signed off) gave the FM staffing saving as -5; its resubmission -9.
FIRST_FM_Q2 = D(-5)

# One-off costs (service areas' "IT resource" costs): spend to date, reported in (period, cumulative £000s).
SPEND = {
    "Learning & Development": (("2012/13 Q2", D(15)), ("2013/14 Q2", D(30))),
    "Research & Analysis": (("2012/13 Q2", D(7)), ("2013/14 Q2", D(12))),
    "Estates & Property Services": (("2012/13 Q2", D(14)), ("2013/14 Q2", D(26))),
    "Facilities Management": (("2012/13 Q2", D(10)), ("2013/14 Q2", D(18))),
    "Media & Communications": (("2012/13 Q2", D(12)), ("2013/14 Q2", D(20))),
    "Legal Services": (("2012/13 Q2", D(5)), ("2013/14 Q2", D(9))),
}
ONE_OFF_DESCRIPTION = _IT

# FTE released, by (partner, period).
FTE_RELEASED = {("HCC", "2012/13 Q3"): D("2.0"), ("HC", "2012/13 Q1"): D("1.5"), ("HC", "2013/14 Q1"): D("1.0")}

SATISFACTION = "Customer satisfaction with shared support services"
ICT_FIX = "Time to fix ICT incidents"
# Measurements each quarter, by the measure's owner: value for 2012/13 Q1 ... 2014/15 Q4 (None: no return).
MEASURED = {
    SATISFACTION: ("HCC", _q(72, 73, 73, 74, 75, 76, 76, 77, 78, 79, 79, 80)),
    ICT_FIX: ("HC", (*_q(16, 15, 15, 14, 13, 12, 12, 11, 10, 10, 9), None)),
}

BENEFITS = (
    BenefitMeasure(
        SATISFACTION,
        "% satisfied",
        Better.HIGHER,
        D(72),
        "2012-03-31",
        D(80),
        "2015-03-31",
        "Quarterly customer satisfaction survey; the pre-partnership survey is the benchmark (ILLUSTRATIVE)",
        "HCC",
    ),
    BenefitMeasure(
        ICT_FIX,
        "hours (median)",
        Better.LOWER,
        D(16),
        "2012-03-31",
        D(8),
        "2015-03-31",
        "Service desk records (ILLUSTRATIVE)",
        "HC",
    ),
)

# Each partner's financial-plan savings targets by year (a saving to find, positive £000s) and the lines
# whose saving its plan counts on (the partner's share of each): ILLUSTRATIVE. They are in the approved
# version (its returns' Targets sheets and its lines' tags: jwmodel.targets).
TARGETS = (
    SavingsTarget("HC", "Support services MTFP savings", "2013/14", D(150)),
    SavingsTarget("HC", "Support services MTFP savings", "2014/15", D(200)),
    SavingsTarget("HFRS", "Outsourced legal and communications", "2014/15", D(10)),
    SavingsTarget("HCC", "Corporate Services Review", "2013/14", D(25)),
    SavingsTarget("HCC", "Corporate Services Review", "2014/15", D(30)),
)
TAGS = {  # (service, description) -> (partner, target) whose plan the line delivers
    ("Estates & Property Services", "Reduced staffing in the joint Estates and Property team"): (
        "HC",
        "Support services MTFP savings",
    ),
    ("Estates & Property Services", "Brought-in services: procured Estates and Property Management"): (
        "HC",
        "Support services MTFP savings",
    ),
    ("Legal Services", "In-house delivery of legal work HFRS now outsources"): (
        "HFRS",
        "Outsourced legal and communications",
    ),
    ("Media & Communications", "Reduced duplication of campaigns and external supplier costs"): (
        "HFRS",
        "Outsourced legal and communications",
    ),
    ("Facilities Management", "Combined delivery services: reduced staff numbers"): (
        "HCC",
        "Corporate Services Review",
    ),
    ("Learning & Development", "Shared IT systems and in-house leadership programmes"): (
        "HCC",
        "Corporate Services Review",
    ),
}


def due_date(period: str) -> str:
    """A quarter's return is due on the last day of the month after the quarter ends."""
    start = int(period[:4])
    quarter = int(period[-1])
    year, month = (start, 3 * quarter + 4) if quarter < 3 else (start + 1, 3 * quarter - 8)
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (next_month - dt.timedelta(days=1)).isoformat()


def quarter_end(period: str) -> str:
    """The last day of a quarter (2012/13 Q1 ends on 2012-06-30): when its measurements are taken."""
    start, quarter = int(period[:4]), int(period[-1])
    return {1: f"{start}-06-30", 2: f"{start}-09-30", 3: f"{start}-12-31", 4: f"{start + 1}-03-31"}[quarter]


def submitted_date(partner: str, period: str) -> str:
    """When a return was sent: ten days before it was due, except HFRS's late 2013/14 Q3 return."""
    if (partner, period) == ("HFRS", "2013/14 Q3"):
        return "2014-02-14"
    return (dt.date.fromisoformat(due_date(period)) - dt.timedelta(days=10)).isoformat()


MISSING = {("HC", "2014/15 Q4")}  # not received by AS_OF
DRAFTS = {("HFRS", "2014/15 Q4")}  # sent as drafts
REOPENED = ("HCC", "2013/14 Q2")  # a final return resubmitted


def plan() -> MonitoringPlan:
    """The programme definition's monitoring section: the register, the targets and the returns due."""
    schedule = tuple(ReturnDue(p, period, due_date(period)) for period in PERIODS for p in ("HC", "HFRS", "HCC"))
    return MonitoringPlan(BENEFITS, schedule)
