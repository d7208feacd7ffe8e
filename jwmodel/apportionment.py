"""Apportionment rules: turn a service's rule and participation option into partner percentages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from jwmodel.codes import Code
from jwmodel.findings import Finding, Location, Severity
from jwmodel.model import ApportionmentRule, BaselineEntry, DriverValue, Method, ParticipationOption, frozen_map
from jwmodel.money import MoneyError, whole_percent_shares
from jwmodel.rules import fixed_percentage_findings, minimum_percent_findings

__all__ = ["Shares", "option_shares", "line_shares", "describe_shares"]


@dataclass(frozen=True, slots=True)
class Shares:
    """Percentages per partner for one option (``None`` when the rule gives none) and why."""

    percentages: Mapping[str, Decimal] | None
    findings: tuple[Finding, ...] = ()

    def __post_init__(self) -> None:
        if self.percentages is not None:
            object.__setattr__(self, "percentages", frozen_map(self.percentages))
        object.__setattr__(self, "findings", tuple(self.findings))


def _error(code: Code, message: str, where: Location, severity: Severity) -> Finding:
    """The finding; an error about an option that is not in use is reported as OPTION_UNUSABLE (a warning)."""
    if code.severity is severity:
        return Finding(code, message, where)
    return Finding(Code.OPTION_UNUSABLE, f"{message} ({code} if this option is chosen)", where)


def option_shares(
    service: str,
    option: ParticipationOption,
    *,
    baseline: Iterable[BaselineEntry],
    drivers: Iterable[DriverValue],
    in_use: bool = True,
) -> Shares:
    """Percentages for each participating partner under ``option`` of ``service``.

    Fixed percentages must add up to 100 and cover exactly the participants. Baseline (net cost or
    FTE) and driver shares are whole percentages adding up to 100 with the rule's minimum each.
    Problems come back as findings (errors when the option is in use, warnings otherwise) with no
    percentages.
    """
    rule = option.rule
    asked = _Asked(
        service,
        option,
        Severity.ERROR if in_use else Severity.WARNING,
        rule.where if str(rule.where) else option.where,
    )
    return _shares(asked, baseline, drivers, in_use)


def line_shares(
    service: str,
    description: str,
    option: ParticipationOption,
    rule: ApportionmentRule,
    *,
    baseline: Iterable[BaselineEntry],
    drivers: Iterable[DriverValue],
    where: Location,
) -> Shares:
    """Percentages for a line's own ``rule``, among the participants of ``option`` (the one in use).

    The same rules as an option's shares (``option_shares``), applied to the line: the findings name
    the line and are located to its cell (the rule's own location where it has one), as errors.
    """
    name = f"{option.name}; own split of {description!r}"
    own = ParticipationOption(name, option.partners, rule, where=where)
    located = rule.where if str(rule.where) else where
    return _shares(_Asked(service, own, Severity.ERROR, located), baseline, drivers, True)


def _shares(asked: _Asked, baseline: Iterable[BaselineEntry], drivers: Iterable[DriverValue], in_use: bool) -> Shares:
    service, rule = asked.service, asked.option.rule
    if rule.method is Method.NONE:
        return Shares(None)
    if rule.method is Method.SOLE_BEARER:
        return _sole_bearer(asked)
    if rule.method is Method.FIXED:
        return _fixed(asked, in_use)
    if rule.method is Method.BASELINE:
        nets = {e.partner: e.net for e in baseline if e.service == service}
        return _weighted(
            asked, nets, Code.BASELINE_MISSING, "the rule is share of baseline but there is no baseline for"
        )
    if rule.method is Method.BASELINE_FTE:
        ftes = {e.partner: e.fte for e in baseline if e.service == service}
        return _weighted(
            asked, ftes, Code.BASELINE_MISSING, "the rule is share of baseline (FTE) but there is no baseline for"
        )
    if rule.method is Method.DRIVER:
        if not rule.driver:
            return asked.refused(Code.DRIVER_UNNAMED, "the rule is a driver but no driver is named")
        values = {d.partner: d.value for d in drivers if d.service == service and d.driver == rule.driver}
        return _weighted(asked, values, Code.DRIVER_MISSING, f"driver '{rule.driver}' has no value for")
    raise AssertionError(f"unhandled method {rule.method}")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class _Asked:
    """One option's shares being worked out: what to call it in findings, and at which severity."""

    service: str
    option: ParticipationOption
    severity: Severity
    where: Location

    @property
    def label(self) -> str:
        return f"{self.service} ({self.option.name})"

    def refused(self, code: Code, message: str) -> Shares:
        return Shares(None, (_error(code, f"{self.label}: {message}", self.where, self.severity),))


def _sole_bearer(asked: _Asked) -> Shares:
    rule, participants = asked.option.rule, asked.option.partners
    if not rule.sole_bearer:
        return asked.refused(Code.SOLE_BEARER_MISSING, "the rule is 'sole bearer' but no partner is named")
    found: list[Finding] = []
    if rule.sole_bearer not in participants:
        message = (
            f"{asked.label}: sole bearer {rule.sole_bearer} is not one of the participating partners "
            f"({', '.join(participants)})"
        )
        found.append(_error(Code.SOLE_BEARER_NOT_PARTICIPANT, message, asked.where, Severity.WARNING))
    return Shares({rule.sole_bearer: Decimal(100)}, tuple(found))


def _fixed(asked: _Asked, in_use: bool) -> Shares:
    found = [
        f if in_use else _error(f.code, f.message, f.where, asked.severity)
        for f in fixed_percentage_findings(asked.service, asked.option)
    ]
    if found:
        return Shares(None, tuple(found))
    return Shares({p: Decimal(asked.option.rule.percentages[p]) for p in asked.option.partners})


def _weighted(asked: _Asked, weights: Mapping[str, Decimal], code: Code, missing_message: str) -> Shares:
    """Whole-percentage shares from each participant's weight (its baseline or driver value)."""
    refused = minimum_percent_findings(asked.service, asked.option)  # the single-file rule, as check runs it
    if refused:
        return Shares(None, tuple(_error(f.code, f.message, f.where, asked.severity) for f in refused))
    participants = asked.option.partners
    missing = [p for p in participants if p not in weights]
    if missing:
        return asked.refused(code, f"{missing_message} {', '.join(missing)}")
    chosen = {p: weights[p] for p in participants}
    return _computed(asked.label, chosen, asked.option.rule.minimum_percent, asked.where, asked.severity)


def _computed(label: str, weights: Mapping[str, Decimal], minimum: int, where: Location, severity: Severity) -> Shares:
    try:
        shares = whole_percent_shares(weights, minimum=minimum)
    except MoneyError as exc:
        return Shares(None, (_error(Code.SHARES_IMPOSSIBLE, f"{label}: {exc}", where, severity),))
    return Shares({p: Decimal(v) for p, v in shares.items()})


def describe_shares(percentages: Mapping[str, Decimal] | None) -> str:
    """'27/7/66'-style text for a set of percentages, or '' when there are none."""
    if not percentages:
        return ""
    return "/".join(f"{v.normalize():f}" for v in percentages.values())
