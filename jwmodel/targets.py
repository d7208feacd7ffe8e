"""Targets: how much of each partner's financial-plan savings targets the programme's lines cover.

A partner return can state the partner's savings targets by year (its Targets sheet: a target's
name, the financial year and the saving to find, £000s, as a positive figure). A saving
line tagged as in a partner's plan (``plan_partner``) names which of its targets it delivers
(``plan_target``); the rules over tags and double counting are in :mod:`jwmodel.claims`.

:func:`coverage` gives, for each target and year, what the lines tagged to it deliver: the
partner's own share of each such line in that year as the appraisal has it (``business_case.partner_flows``:
the line phased by its profile over the plan's years, each year's figure split by the split in force
that year, so a partner joining in 2013/14 delivers from 2013/14, and a line counts only in the years
it applies; a non-cashable saving delivers nothing, as it is in no budget), low and high, as a positive
saving (a tagged line that is an additional cost in a case reduces the delivery), and the share of
the target that covers, to 0.1% (``jwmodel.money.percent``, as the tracker rounds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jwmodel.business_case import partner_flows
from jwmodel.cases import Case
from jwmodel.claims import target_key
from jwmodel.consolidation import Consolidation
from jwmodel.model import ZERO, Programme, SavingLine
from jwmodel.money import percent
from jwmodel.phasing import SAVING, PhasingError, phase_line

__all__ = ["TargetCoverage", "coverage"]


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


def _delivered(lines: Sequence[SavingLine], partner: str, result: Consolidation, years: tuple[str, ...]):
    """(low, high) by year: the partner's share of the lines as the appraisal splits them year by year
    (``business_case.partner_flows``: by the split in force that year, participation over time), as a positive
    saving; None if a line cannot be phased over the plan."""
    consolidated = {(x.line_id, x.service): x for x in result.lines if x.kind == SAVING}
    low = dict.fromkeys(years, ZERO)
    high = dict.fromkeys(years, ZERO)
    for line in lines:
        share = consolidated.get((line.line_id, line.service))
        if share is None:
            continue
        try:
            phase_line(SAVING, ZERO, share.profile, years)
        except PhasingError:
            return None
        flows = partner_flows(result, years, lambda x, share=share: x is share).get(partner)
        if flows is None:
            continue
        # low is the prudent end of a line entered low >= high (the smaller saving, or an additional cost), else the
        # optimistic one (jwmodel.cases)
        at_low, at_high = (Case.PRUDENT, Case.OPTIMISTIC) if line.estimate.low >= line.estimate.high else _SWAPPED
        for i, year in enumerate(years):
            low[year] -= flows[at_low].savings[i] + flows[at_low].costs[i]
            high[year] -= flows[at_high].savings[i] + flows[at_high].costs[i]
    return low, high


_SWAPPED = (Case.OPTIMISTIC, Case.PRUDENT)


def coverage(programme: Programme, result: Consolidation, years: Sequence[str]) -> tuple[TargetCoverage, ...]:
    """Every target of every partner, year by year, with what the lines tagged to it deliver (see the module).

    Args:
        programme: the programme (its targets and its saving lines' tags).
        result: its consolidation (each partner's share of each line, the options in force by year).
        years: the plan's financial years (``AppraisalSettings.plan``).
    """
    years = tuple(years)
    tagged = _tagged(programme)
    rows = []
    for target in programme.targets:
        lines = tagged.get(target_key(target.partner, target.name), [])
        delivered = _delivered(lines, target.partner, result, years) if target.year in years else None
        low, high = (None, None) if delivered is None else (delivered[0][target.year], delivered[1][target.year])
        ids = tuple(x.line_id for x in lines)
        rows.append(TargetCoverage(target.partner, target.name, target.year, target.amount, low, high, ids))
    return tuple(rows)
