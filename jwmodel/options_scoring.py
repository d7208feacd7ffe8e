"""Options appraisal: weighted scores, ranks, and the weights at which the best option changes.

Options (do nothing, a shared service, outsourcing, a joint venture, or any) are scored against
criteria (the Hampshire programme's Quality, Resilience and Efficiency, or any) on one scale; each
criterion has a weight (0 or more, normalised, so percentages or points both do). An option's
weighted total is the weighted mean of its scores. All arithmetic is exact (fractions); results
are ``Decimal``.

Sizes: scoring and the best-option sensitivity take time in proportion to options x criteria
(the sensitivity of one criterion sorts the options once: n log n). ``MAX_SCORES`` and
``MAX_CRITERIA`` bound a request so that a spreadsheet function never ties up a server for long.
The full ranking between every pair of crossing weights (``ranking_intervals``) can have about
n^2/2 intervals of n names each, so it is limited to ``MAX_RANKED_OPTIONS`` options.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from jwmodel.cases import AppraisalError
from jwmodel.figures import FigureError, exact, figure
from jwmodel.model import frozen_map

__all__ = [
    "DEFAULT_CRITERIA",
    "MAX_SCORES",
    "MAX_CRITERIA",
    "MAX_RANKED_OPTIONS",
    "OptionScore",
    "score_options",
    "BestOption",
    "WeightSensitivity",
    "weight_sensitivity",
    "weight_sensitivities",
    "RankingInterval",
    "ranking_intervals",
]

DEFAULT_CRITERIA = ("Quality", "Resilience", "Efficiency")
"""The success criteria of the Hampshire joint working programme."""

MAX_SCORES = 100_000
"""The most scores (options x criteria) taken at once: 5,000 options x 20 criteria, about 3.5 s.

2,000 options x 20 criteria, scores and the sensitivity of every criterion, take about 1.7 s."""
MAX_CRITERIA = 100
"""The most criteria scored at once."""
MAX_RANKED_OPTIONS = 50
"""The most options ``ranking_intervals`` takes (its result grows with the cube of the options)."""

Scores = dict[str, dict[str, Fraction]]


@dataclass(frozen=True, slots=True)
class OptionScore:
    """An option's scores, weighted total (weights normalised to add up to 1) and rank (1 = best)."""

    name: str
    scores: Mapping[str, Decimal]
    weighted_total: Decimal
    rank: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "scores", frozen_map(self.scores))


def _weights(criteria_weights: Mapping[str, object]) -> dict[str, Fraction]:
    if not criteria_weights:
        raise AppraisalError("no criteria: give at least one criterion and its weight")
    if len(criteria_weights) > MAX_CRITERIA:
        raise AppraisalError(f"{len(criteria_weights)} criteria is more than the {MAX_CRITERIA} this scores at once")
    result: dict[str, Fraction] = {}
    for criterion, raw in criteria_weights.items():
        try:
            weight = Fraction(figure(raw))
        except FigureError as exc:
            raise AppraisalError(f"weight for {criterion!r}: {exc}") from exc
        if weight < 0:
            raise AppraisalError(f"weight for {criterion!r} is {raw}; weights must be 0 or more")
        result[criterion] = weight
    return result


def _option_scores(name: str, scores: Mapping[str, object], criteria: Mapping[str, object], problems: list[str]):
    result: dict[str, Fraction] = {}
    for criterion in criteria:
        if criterion not in scores:
            problems.append(f"option {name!r} has no score for {criterion!r}")
            continue
        try:
            result[criterion] = Fraction(figure(scores[criterion]))
        except FigureError as exc:
            problems.append(f"option {name!r}, {criterion!r}: {exc}")
    problems.extend(
        f"option {name!r} is scored on {criterion!r}, which has no weight; add a weight or remove the score"
        for criterion in scores
        if criterion not in criteria
    )
    return result


def _scores(options: Mapping[str, Mapping[str, object]], criteria: Mapping[str, object]) -> Scores:
    if not options:
        raise AppraisalError("no options to score")
    if len(options) * len(criteria) > MAX_SCORES:
        raise AppraisalError(
            f"{len(options):,} options by {len(criteria)} criteria is {len(options) * len(criteria):,} scores, more "
            f"than the {MAX_SCORES:,} this takes at once; score them in groups"
        )
    problems: list[str] = []
    result = {name: _option_scores(name, scores, criteria, problems) for name, scores in options.items()}
    if problems:
        raise AppraisalError("; ".join(problems))
    return result


def _ranking(totals: Mapping[str, Fraction]) -> list[str]:
    return sorted(totals, key=lambda name: (-totals[name], name))


def _weighted(scores: Scores, weights: Mapping[str, Fraction]) -> dict[str, Fraction]:
    """Each option's sum of weight x score (not yet divided by the total weight)."""
    return {name: sum((weights[c] * s[c] for c in weights), Fraction(0)) for name, s in scores.items()}


def score_options(
    options: Mapping[str, Mapping[str, object]], criteria_weights: Mapping[str, object]
) -> tuple[OptionScore, ...]:
    """Weighted scores and ranking of options against criteria (Quality, Resilience, Efficiency, or any).

    Args:
        options: option name -> criterion -> score (any scale, the same for every option).
        criteria_weights: criterion -> weight (0 or more; normalised, so percentages or points both do).

    Returns:
        Options best first. Equal totals share a rank (1, 2, 2, 4) and are listed by name.

    Raises:
        AppraisalError: every missing or unweighted score, bad weights, all weights zero, a figure
            beyond 10^12, or more than ``MAX_SCORES`` scores or ``MAX_CRITERIA`` criteria.
    """
    weights = _weights(criteria_weights)
    total_weight = sum(weights.values(), Fraction(0))
    if total_weight == 0:
        raise AppraisalError("all criteria weights are zero: there is nothing to rank on")
    scores = _scores(options, weights)
    totals = {name: value / total_weight for name, value in _weighted(scores, weights).items()}
    order = _ranking(totals)
    result: list[OptionScore] = []
    for position, name in enumerate(order):
        rank = result[-1].rank if result and totals[name] == totals[order[position - 1]] else position + 1
        result.append(OptionScore(name, {c: exact(v) for c, v in scores[name].items()}, exact(totals[name]), rank))
    return tuple(result)


# --- where the best option changes ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BestOption:
    """The best option while one criterion's weight lies between ``low`` and ``high`` (None: no limit)."""

    low: Decimal
    high: Decimal | None
    option: str


@dataclass(frozen=True, slots=True)
class WeightSensitivity:
    """How the best option changes as one criterion's weight moves from 0 upwards, the others held."""

    criterion: str
    weight: Decimal
    best: tuple[BestOption, ...]

    @property
    def top_option_changes_at(self) -> tuple[Decimal, ...]:
        """The weights at which the best option changes."""
        return tuple(interval.low for interval in self.best[1:])

    @property
    def nearest_top_change_below(self) -> Decimal | None:
        """The largest weight below the current one at which the best option changes."""
        below = [w for w in self.top_option_changes_at if w < self.weight]
        return below[-1] if below else None

    @property
    def nearest_top_change_above(self) -> Decimal | None:
        """The smallest weight above the current one at which the best option changes."""
        above = [w for w in self.top_option_changes_at if w > self.weight]
        return above[0] if above else None


def _crossing(base: Mapping[str, Fraction], slope: Mapping[str, Fraction], a: str, b: str) -> Fraction:
    """The weight at which line b (the steeper) overtakes line a."""
    return (base[a] - base[b]) / (slope[b] - slope[a])


def _steepest_first(base: Mapping[str, Fraction], slope: Mapping[str, Fraction]) -> list[str]:
    """One option per slope (the highest line, ties to the earlier name), by slope ascending."""
    chosen: dict[Fraction, str] = {}
    for name in base:
        held = chosen.get(slope[name])
        if held is None or (base[name], held) > (base[held], name):
            chosen[slope[name]] = name
    return [chosen[s] for s in sorted(chosen)]


def _upper_envelope(base: Mapping[str, Fraction], slope: Mapping[str, Fraction]) -> list[tuple[Fraction, str]]:
    """The best option (highest line base + w x slope) from weight 0 upwards: ``(from_weight, option)``.

    The lines' upper envelope (a convex hull over slopes in order), O(n log n). Between two
    breakpoints one line is strictly highest; a line that is highest at one weight only is dropped.
    """
    hull: list[str] = []
    for name in _steepest_first(base, slope):
        while len(hull) >= 2 and _crossing(base, slope, hull[-2], name) <= _crossing(base, slope, hull[-2], hull[-1]):
            hull.pop()
        hull.append(name)
    starts = [Fraction(0)] + [_crossing(base, slope, a, b) for a, b in pairwise(hull)]
    first = max(i for i, start in enumerate(starts) if start <= 0)  # the best just above 0
    return [(Fraction(0), hull[first])] + [(starts[i], hull[i]) for i in range(first + 1, len(hull))]


def _sensitivity(scores: Scores, weights: Mapping[str, Fraction], totals: Mapping[str, Fraction], criterion: str):
    slope = {name: s[criterion] for name, s in scores.items()}
    base = {name: totals[name] - weights[criterion] * slope[name] for name in scores}
    envelope = _upper_envelope(base, slope)
    best = tuple(
        BestOption(exact(low), exact(envelope[i + 1][0]) if i + 1 < len(envelope) else None, option)
        for i, (low, option) in enumerate(envelope)
    )
    return WeightSensitivity(criterion, exact(weights[criterion]), best)


def weight_sensitivities(
    options: Mapping[str, Mapping[str, object]], criteria_weights: Mapping[str, object]
) -> tuple[WeightSensitivity, ...]:
    """``weight_sensitivity`` for every criterion, in the order of ``criteria_weights``, scoring once.

    Raises:
        AppraisalError: as ``score_options``.
    """
    weights = _weights(criteria_weights)
    scores = _scores(options, weights)
    totals = _weighted(scores, weights)
    return tuple(_sensitivity(scores, weights, totals, c) for c in weights)


def weight_sensitivity(
    options: Mapping[str, Mapping[str, object]],
    criteria_weights: Mapping[str, object],
    criterion: str,
) -> WeightSensitivity:
    """How the best option changes as ``criterion``'s weight moves, the other weights held as given.

    With the other weights fixed, each option's weighted total is (A + w x score) / (W + w), so the
    order of the options is the order of the lines A + w x score; the best option is the upper
    envelope of those lines, found exactly in O(n log n). Equal totals go to the earlier name.

    Args:
        options: option name -> criterion -> score.
        criteria_weights: criterion -> weight, as for ``score_options``.
        criterion: the criterion whose weight moves (in the same units as the weights).

    Returns:
        The best option over intervals of weight from 0 upwards, and where it changes.

    Raises:
        AppraisalError: the criterion is not weighted, or the options cannot be scored.
    """
    weights = _weights(criteria_weights)
    if criterion not in weights:
        raise AppraisalError(f"{criterion!r} is not one of the criteria ({', '.join(weights)})")
    scores = _scores(options, weights)
    return _sensitivity(scores, weights, _weighted(scores, weights), criterion)


# --- the whole ranking as one weight moves (small sets only) ---------------------------------------


@dataclass(frozen=True, slots=True)
class RankingInterval:
    """The ranking (best first) while one criterion's weight lies between ``low`` and ``high`` (None: no limit)."""

    low: Decimal
    high: Decimal | None
    ranking: tuple[str, ...]


def _crossings(base: Mapping[str, Fraction], slope: Mapping[str, Fraction]) -> list[Fraction]:
    names = list(base)
    found: set[Fraction] = set()
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if slope[a] != slope[b] and (w := (base[a] - base[b]) / (slope[b] - slope[a])) > 0:
                found.add(w)
    return sorted(found)


def ranking_intervals(
    options: Mapping[str, Mapping[str, object]],
    criteria_weights: Mapping[str, object],
    criterion: str,
) -> tuple[RankingInterval, ...]:
    """The whole ranking over intervals of ``criterion``'s weight from 0 upwards, the others held.

    Options change places only where two lines A + w x score cross; those weights are found
    exactly, and between them the ranking is fixed. Adjacent intervals with the same ranking are
    merged.

    Raises:
        AppraisalError: as ``weight_sensitivity``, or more than ``MAX_RANKED_OPTIONS`` options (use
            ``weight_sensitivity`` for where the best option changes).
    """
    if len(options) > MAX_RANKED_OPTIONS:
        raise AppraisalError(
            f"the whole ranking is given for up to {MAX_RANKED_OPTIONS} options, not {len(options):,}; "
            "weight_sensitivity gives where the best option changes for any number"
        )
    weights = _weights(criteria_weights)
    if criterion not in weights:
        raise AppraisalError(f"{criterion!r} is not one of the criteria ({', '.join(weights)})")
    scores = _scores(options, weights)
    slope = {name: s[criterion] for name, s in scores.items()}
    base = {name: total - weights[criterion] * slope[name] for name, total in _weighted(scores, weights).items()}
    edges = [Fraction(0), *_crossings(base, slope)]
    intervals: list[RankingInterval] = []
    for index, low in enumerate(edges):
        high = edges[index + 1] if index + 1 < len(edges) else None
        probe = (low + high) / 2 if high is not None else low + 1
        ranking = tuple(_ranking({name: base[name] + probe * slope[name] for name in base}))
        top = exact(high) if high is not None else None
        if intervals and intervals[-1].ranking == ranking:
            intervals[-1] = RankingInterval(intervals[-1].low, top, ranking)
        else:
            intervals.append(RankingInterval(exact(low), top, ranking))
    return tuple(intervals)
