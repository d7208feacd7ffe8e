"""JW_OPTION_SCORES at size: near-linear, bounded, and clear about figures it cannot take."""

from __future__ import annotations

import os

# as the other add-in tests: xlwings picks its decorators when first imported (tests/integration/test_addin_plain.py)
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
import random  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402
from jwaddin.functions import FunctionInputError, jw_option_scores  # noqa: E402

CRITERIA = [f"Criterion {i}" for i in range(20)]


def _table(n: int, seed: int = 1) -> list[list[object]]:
    rng = random.Random(seed)
    return [["Option", *CRITERIA]] + [[f"Option {i}", *(rng.randint(0, 100) / 10 for _ in CRITERIA)] for i in range(n)]


def test_two_thousand_options_by_twenty_criteria_take_seconds_not_minutes():
    table = _table(2000)
    started = time.perf_counter()
    result = jw_option_scores(table, [[1 + i % 5 for i in range(len(CRITERIA))]])
    elapsed = time.perf_counter() - started
    assert len(result) == 1 + 2000 + 2 + len(CRITERIA)
    assert elapsed < 30, f"{elapsed:.1f}s (was over 120 s before the best option came from the upper envelope)"


def test_the_best_option_changes_where_the_hand_worked_lines_cross():
    # Quality weighs 1; with Efficiency at weight w the lines are A = 2 + w, B = 4, C = 3w (by hand).
    # At w = 1 B is best (3, 4, 3). C meets B at w = 4/3 and stays above A from there (3w > 2 + w for w > 1);
    # A meets B only at w = 2, where C is already higher. So the best option changes once, above: at 1.33.
    table = [["Option", "Quality", "Efficiency"], ["A", 2, 1], ["B", 4, 0], ["C", 0, 3]]
    result = jw_option_scores(table, [[1, 1]])
    efficiency = next(r for r in result if r[0] == "Efficiency")
    assert efficiency[1:] == ["", 1.33]  # no change below the current weight 1; one above it, at 4/3


def test_more_scores_than_the_limit_are_refused_before_any_work():
    table = [["Option", *CRITERIA]] + [[f"Option {i}", *([1] * len(CRITERIA))] for i in range(5001)]
    with pytest.raises(FunctionInputError, match="5,001 options by 20 criteria is more than this scores at once"):
        jw_option_scores(table, [[1] * len(CRITERIA)])


@pytest.mark.parametrize(
    ("table", "weights", "message"),
    [
        ([["Option", "Q"], ["A", 1e308]], [[1]], "scores_table, row 2, Q: 1E\\+308 is beyond"),
        ([["Option", "Q"], ["A", 1]], [[1e13]], "weights, Q: .* is beyond"),
    ],
)
def test_very_large_scores_or_weights_are_a_clear_input_error(table, weights, message):
    with pytest.raises(FunctionInputError, match=message):
        jw_option_scores(table, weights)
