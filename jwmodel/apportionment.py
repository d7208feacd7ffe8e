"""Apportionment rules: turn a service's rule and participation option into partner percentages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from jwmodel.codes import Code
from jwmodel.findings import Finding, Location, Severity
from jwmodel.model import BaselineEntry, DriverValue, Method, ParticipationOption, frozen_map
from jwmodel.money import MoneyError, whole_percent_shares
from jwmodel.rules import fixed_percentage_findings

__all__ = ["Shares", "option_shares", "describe_shares"]


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

    Fixed percentages must add up to 100 and cover exactly the participants. Baseline and driver
    shares are whole percentages adding up to 100 with the rule's minimum each. Problems come back
    as findings (errors when the option is in use, warnings otherwise) with no percentages.
    """
    rule = option.rule
    severity = Severity.ERROR if in_use else Severity.WARNING
    where = rule.where if str(rule.where) else option.where
    label = f"{service} ({option.name})"
    participants = option.partners

    if rule.method is Method.NONE:
        return Shares(None)

    if rule.method is Method.SOLE_BEARER:
        if not rule.sole_bearer:
            return Shares(
                None,
                (
                    _error(
                        Code.SOLE_BEARER_MISSING,
                        f"{label}: the rule is 'sole bearer' but no partner is named",
                        where,
                        severity,
                    ),
                ),
            )
        found: list[Finding] = []
        if rule.sole_bearer not in participants:
            found.append(
                _error(
                    Code.SOLE_BEARER_NOT_PARTICIPANT,
                    f"{label}: sole bearer {rule.sole_bearer} is not one of the participating partners ({', '.join(participants)})",
                    where,
                    Severity.WARNING,
                )
            )
        return Shares({rule.sole_bearer: Decimal(100)}, tuple(found))

    if rule.method is Method.FIXED:
        found = [
            f if in_use else _error(f.code, f.message, f.where, severity)
            for f in fixed_percentage_findings(service, option)
        ]
        if found:
            return Shares(None, tuple(found))
        return Shares({p: Decimal(rule.percentages[p]) for p in participants})

    if rule.method is Method.BASELINE:
        nets = {e.partner: e.net for e in baseline if e.service == service and e.partner in participants}
        missing = [p for p in participants if p not in nets]
        if missing:
            return Shares(
                None,
                (
                    _error(
                        Code.BASELINE_MISSING,
                        f"{label}: the rule is share of baseline but there is no baseline for {', '.join(missing)}",
                        where,
                        severity,
                    ),
                ),
            )
        return _computed(label, {p: nets[p] for p in participants}, rule.minimum_percent, where, severity)

    if rule.method is Method.DRIVER:
        if not rule.driver:
            return Shares(
                None,
                (
                    _error(
                        Code.DRIVER_UNNAMED, f"{label}: the rule is a driver but no driver is named", where, severity
                    ),
                ),
            )
        values = {
            d.partner: d.value
            for d in drivers
            if d.service == service and d.driver == rule.driver and d.partner in participants
        }
        missing = [p for p in participants if p not in values]
        if missing:
            return Shares(
                None,
                (
                    _error(
                        Code.DRIVER_MISSING,
                        f"{label}: driver '{rule.driver}' has no value for {', '.join(missing)}",
                        where,
                        severity,
                    ),
                ),
            )
        return _computed(label, {p: values[p] for p in participants}, rule.minimum_percent, where, severity)

    raise AssertionError(f"unhandled method {rule.method}")  # pragma: no cover


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
