"""Participation over time: which participation option is in force in each year of the plan.

An option may start in a plan year (``ParticipationOption.from_year``, e.g. "2012/13"); before then
the option it names as ``before`` is in force (blank: the service area's default), which may itself
start in a year. ``timeline`` follows that chain from the option chosen back to an option with no
start year, and gives the steps in order: North Herts joins in 2012/13 is two steps,
``(None, "EHC and SBC"), ("2012/13", "North Herts joins in 2012/13")``. ``in_force`` lays the steps
over the plan's years.

A chain that cannot be followed (an unknown ``before``, a cycle, a start year that is not a financial
year or not later than the start of the option before it) is an error finding located at the option,
and the option chosen is then taken as in force in every year, as if it gave no start year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jwmodel.codes import Code
from jwmodel.findings import NOWHERE, Finding, Location
from jwmodel.model import ParticipationOption, ServiceArea
from jwmodel.phasing import PhasingError, financial_years

__all__ = ["Step", "timeline", "in_force", "outside_plan_findings", "step_years", "describe_steps"]


@dataclass(frozen=True, slots=True)
class Step:
    """An option in force from ``start`` (a financial year; None: from the plan's first year) until the next step."""

    start: str | None
    option: str
    where: Location = NOWHERE


def timeline(service: ServiceArea, chosen: ParticipationOption) -> tuple[tuple[Step, ...], tuple[Finding, ...]]:
    """The steps of options in force for ``service`` when ``chosen`` is chosen, earliest first, and any finding.

    An option with no start year is one step, ``(None, chosen)``: in force in every year.
    """
    steps: list[Step] = []
    seen: list[str] = []
    option: ParticipationOption | None = chosen
    while option is not None and option.from_year:
        problem = _problem(service, option, seen, steps)
        if problem:
            return (Step(None, chosen.name, chosen.where),), (Finding(*problem, option.where),)
        seen.append(option.name)
        steps.insert(0, Step(option.from_year, option.name, option.where))
        before = option.before
        option = service.option(before) if before else service.option()
        if option is None:
            return (Step(None, chosen.name, chosen.where),), (_no_before(service, steps[0], before),)
    assert option is not None
    if option.name in seen:
        return (Step(None, chosen.name, chosen.where),), (Finding(*_cycle(service, seen, option.name), chosen.where),)
    steps.insert(0, Step(None, option.name, option.where))
    return tuple(steps), ()


def _problem(
    service: ServiceArea, option: ParticipationOption, seen: Sequence[str], steps: Sequence[Step]
) -> tuple[Code, str] | None:
    """Why ``option`` cannot be the next step back (None when it can)."""
    label = f"{service.name}: option '{option.name}'"
    if option.name in seen:
        return _cycle(service, seen, option.name)
    try:
        financial_years(str(option.from_year), 1)
    except PhasingError:
        return (
            Code.OPTION_TIMELINE,
            f"{label}: 'From year' {option.from_year!r} is not a financial year such as 2012/13",
        )
    if steps and str(option.from_year) >= str(steps[0].start):
        return (
            Code.OPTION_TIMELINE,
            f"{label} starts in {option.from_year}, not before '{steps[0].option}', which follows it from "
            f"{steps[0].start}; an option must start before the one that follows it",
        )
    return None


def _cycle(service: ServiceArea, seen: Sequence[str], name: str) -> tuple[Code, str]:
    chain = " -> ".join(f"'{n}'" for n in (*seen, name))
    return (
        Code.OPTION_TIMELINE,
        f"{service.name}: the options in force before one another run in a circle ({chain}); name as 'Before then' "
        "an option with no 'From year' (blank means the default)",
    )


def _no_before(service: ServiceArea, step: Step, before: str | None) -> Finding:
    names = ", ".join(f"'{o.name}'" for o in service.options)
    which = f"'Before then' names '{before}', which is not" if before else "'Before then' is blank and there is no"
    return Finding(
        Code.OPTION_BEFORE_UNKNOWN,
        f"{service.name}: option '{step.option}' starts in {step.start}; {which} "
        f"{'one of its options' if before else 'default option'} ({names}); the option is taken as in force "
        "in every year",
        step.where,
    )


def in_force(steps: Sequence[Step], years: Sequence[str]) -> tuple[str, ...]:
    """The option in force in each of ``years``: the last step starting in or before it (the first step before any)."""
    result = []
    for year in years:
        current = steps[0].option
        for step in steps[1:]:
            if step.start is not None and step.start <= year:
                current = step.option
        result.append(current)
    return tuple(result)


def outside_plan_findings(service: str, steps: Sequence[Step], years: Sequence[str]) -> tuple[Finding, ...]:
    """A warning for each step starting outside the plan (``years``): before its first year, or after its last."""
    found = []
    for before, step in zip(steps, steps[1:], strict=False):
        if step.start is None or years[0] <= step.start <= years[-1]:
            continue
        if step.start > years[-1]:
            what = f"after the plan's last year ({years[-1]}): '{before.option}' is in force throughout the plan"
        else:
            what = f"before the plan's first year ({years[0]}): '{before.option}' is never in force"
        found.append(
            Finding(
                Code.OPTION_START_OUTSIDE_PLAN,
                f"{service}: option '{step.option}' starts in {step.start}, {what}",
                step.where,
            )
        )
    return tuple(found)


def step_years(steps: Sequence[Step]) -> dict[str, str]:
    """When each step's option is in force, in words: 'to 2012/13', 'from 2013/14', 'from 2012/13 to 2013/14'."""
    words = {}
    for i, step in enumerate(steps):
        following = steps[i + 1] if i + 1 < len(steps) else None
        span = [f"from {step.start}"] if step.start else []
        if following is not None:
            span.append(f"to {_year_before(str(following.start))}")
        words[step.option] = " ".join(span) or "every year"
    return words


def describe_steps(steps: Sequence[Step]) -> str:
    """ "'EHC and SBC' to 2012/13; 'North Herts joins in 2013/14' from 2013/14": a timeline in words."""
    return "; ".join(f"'{option}' {span}" for option, span in step_years(steps).items())


def _year_before(year: str) -> str:
    first = int(year[:4]) - 1
    return f"{first}/{(first + 1) % 100:02d}"
