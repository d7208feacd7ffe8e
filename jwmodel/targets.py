"""Targets: how much of each partner's financial-plan savings targets the programme's lines cover.

A partner return can state the partner's savings targets by year (its Targets sheet: a target's
name, the financial year and the saving to find, £000s, as a positive figure). A saving
line tagged as in a partner's plan (``plan_partner``) names which of its targets it delivers
(``plan_target``); the rules over tags and double counting are in :mod:`jwmodel.claims`.

:func:`coverage` gives, for each target and year, what the lines tagged to it deliver: the
partner's own share of each such line (split by the line's rule, as every figure is), phased by the
line's profile over the plan's years (``jwmodel.phasing.phase_line``), low and high, as a positive
saving (a tagged line that is an additional cost in a case reduces the delivery), and the share of
the target that covers, to 0.1% (``jwmodel.money.percent``, as the tracker rounds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from jwmodel.claims import target_key
from jwmodel.model import ZERO, Programme, Range, SavingLine
from jwmodel.money import percent
from jwmodel.phasing import SAVING, PhasingError, phase_line

__all__ = ["Share", "TargetCoverage", "coverage"]


class Share(Protocol):
    """What :func:`coverage` reads of a consolidated line (``jwmodel.consolidation.LineShare``)."""

    kind: str
    included: bool
    line_id: str
    service: str
    shares: Mapping[str, Range]


@dataclass(frozen=True, slots=True)
class TargetCoverage:
    """One target in one year: the saving to find, what the tagged lines deliver (low, high) and the share covered.

    Amounts are £000s of saving, positive. ``delivered_*`` is None for a year outside the plan;
    ``covered_*_percent`` is delivered over the target, to 0.1% (None with no delivery or a target of 0).
    """

    partner: str
    target: str
    year: str
    amount: Decimal
    delivered_low: Decimal | None
    delivered_high: Decimal | None
    lines: tuple[str, ...]

    @property
    def covered_low_percent(self) -> Decimal | None:
        return None if self.delivered_low is None else percent(self.delivered_low, self.amount)

    @property
    def covered_high_percent(self) -> Decimal | None:
        return None if self.delivered_high is None else percent(self.delivered_high, self.amount)


def _tagged(programme: Programme) -> dict[tuple[str, str], list[SavingLine]]:
    found: dict[tuple[str, str], list[SavingLine]] = {}
    for line in programme.saving_lines:
        if line.plan_partner and line.plan_target:
            found.setdefault(target_key(line.plan_partner, line.plan_target), []).append(line)
    return found


def _delivered(lines: Sequence[SavingLine], partner: str, consolidated: Sequence[Share], years: Sequence[str]):
    """(low, high) by year: the partner's share of the lines, phased, as a positive saving; None if unphaseable."""
    shares = {(x.line_id, x.service): x for x in consolidated if x.kind == SAVING and x.included}
    low = dict.fromkeys(years, ZERO)
    high = dict.fromkeys(years, ZERO)
    for line in lines:
        share = shares.get((line.line_id, line.service))
        part = share.shares.get(partner) if share is not None else None
        if part is None:
            continue
        try:
            flows = [phase_line(SAVING, bound, line.profile, years).net for bound in (part.low, part.high)]
        except PhasingError:
            return None
        for year, lo, hi in zip(years, *flows, strict=True):
            low[year] -= lo
            high[year] -= hi
    return low, high


def coverage(programme: Programme, consolidated: Sequence[Share], years: Sequence[str]) -> tuple[TargetCoverage, ...]:
    """Every target of every partner, year by year, with what the lines tagged to it deliver (see the module).

    Args:
        programme: the programme (its targets and its saving lines' tags).
        consolidated: its consolidated lines (``Consolidation.lines``): each partner's share of each line.
        years: the plan's financial years (``AppraisalSettings.plan``).
    """
    tagged = _tagged(programme)
    rows = []
    for target in programme.targets:
        lines = tagged.get(target_key(target.partner, target.name), [])
        delivered = _delivered(lines, target.partner, consolidated, years) if target.year in years else None
        low, high = (None, None) if delivered is None else (delivered[0][target.year], delivered[1][target.year])
        ids = tuple(x.line_id for x in lines)
        rows.append(TargetCoverage(target.partner, target.name, target.year, target.amount, low, high, ids))
    return tuple(rows)
