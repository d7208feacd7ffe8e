"""Every Excel custom function of the add-in: JW_SHARES, JW_APPORTION, JW_SAVINGS_SUMMARY,
JW_BY_PARTNER, JW_CHECK_TOTAL and JW_FINDINGS.

The same module serves every runtime: classic xlwings (``UDF Modules = jwaddin.functions``),
xlwings Lite (``from jwaddin.functions import *`` in main.py) and xlwings Server (the
custom_functions package re-exports it). Excel shows each function's docstring as its help and each
argument's ``doc``. Names carry no namespace prefix: JW_SHARES is JW_SHARES everywhere.

Each function converts what Excel sends (``jwaddin.convert``), calls the engine and converts the
result. A mistake in the inputs raises ``FunctionInputError`` (an ``xlwings.XlwingsError``), which
Excel shows as #VALUE! with the message. Parameters carry no type annotations on purpose: xlwings
reads annotations as converters.
"""

from __future__ import annotations

from decimal import Decimal

from jwaddin._runtime import FunctionInputError, arg, func
from jwaddin.convert import excel_rows, excel_value, grid, number, programme_from_tables, shaped, vector, whole_number
from jwmodel.appraisal import payback_switching_value, payback_years, switching_value
from jwmodel.cases import AppraisalError
from jwmodel.consolidation import consolidate
from jwmodel.discounting import DiscountError, DiscountSchedule, npv_of_costs_and_savings, schedule_from
from jwmodel.figures import MAX_FIGURE, FigureError, figure
from jwmodel.layout import by_partner_rows, findings_block, option_scores_rows, summary_rows
from jwmodel.money import MoneyError, allocate, negative_weight, whole_percent_shares
from jwmodel.options_scoring import MAX_CRITERIA, MAX_SCORES

__all__ = [
    "jw_shares",
    "jw_apportion",
    "jw_savings_summary",
    "jw_by_partner",
    "jw_check_total",
    "jw_findings",
    "jw_npv",
    "jw_payback",
    "jw_switching_value",
    "jw_option_scores",
    "FunctionInputError",
]


def _weights(values: list[object], what: str) -> dict[str, Decimal]:
    """Non-empty cells by position; the zero-padded key keeps ties going to the earlier cell.

    A negative weight is refused here, naming its cell (the engine's message can only name its key)."""
    weights = {}
    for i, value in enumerate(values):
        parsed = number(value, f"{what}, item {i + 1}")
        if parsed is not None and parsed < 0:
            raise FunctionInputError(f"{what}, item {i + 1}: {negative_weight(parsed)}")
        if parsed is not None:
            weights[f"{i:06d}"] = parsed
    if not weights:
        raise FunctionInputError(f"{what}: every cell is empty; give at least one weight")
    return weights


@func
@arg(
    "weights",
    ndim=2,
    doc=(
        "One row or one column of weights (baselines, driver values); an empty cell means that partner does "
        "not take part."
    ),
)
@arg("min_percent", doc="Optional: the least percentage each taking part gets (default 1).")
def jw_shares(weights, min_percent=None):
    """Whole-number percentages in proportion to the weights, adding up to exactly 100, with at least min_percent each (the engine's rule: FM 1314/333/3253 gives 27/7/66). A row gives a row, a column a column."""  # noqa: E501 (shown whole in Excel as the description)
    values, orientation = vector(weights, "weights")
    keyed = _weights(values, "weights")
    minimum = whole_number(min_percent, "min_percent", default=1, low=0, high=100)
    try:
        shares = whole_percent_shares(keyed, minimum=minimum)
    except MoneyError as exc:
        raise FunctionInputError(f"weights: {exc}") from exc
    out = [shares.get(f"{i:06d}") for i in range(len(values))]
    return shaped(out, orientation)


@func
@arg("amount", doc="The figure to split (in £000s when decimals is 3).")
@arg(
    "weights",
    ndim=2,
    doc="One row or one column of weights or percentages; an empty cell means that partner does not take part.",
)
@arg("decimals", doc="Optional: decimal places of the shares (default 3, which is £1 when amounts are in £000s).")
def jw_apportion(amount, weights, decimals=None):
    """Splits the amount in proportion to the weights so that the shares add up to the amount exactly (largest remainder at the given decimals). A row gives a row, a column a column."""  # noqa: E501 (shown whole in Excel as the description)
    cells = grid(amount, "amount")
    if len(cells) != 1 or len(cells[0]) != 1:
        raise FunctionInputError("amount: give one cell or one number")
    value = number(cells[0][0], "amount") or Decimal(0)
    values, orientation = vector(weights, "weights")
    keyed = _weights(values, "weights")
    places = whole_number(decimals, "decimals", default=3, low=0, high=9)
    unit = Decimal(1).scaleb(-places)
    try:
        shares = allocate(value, keyed, unit=unit)
    except MoneyError as exc:
        if value % unit:  # the amount is finer than the shares can be
            raise FunctionInputError(f"amount: {exc}; e.g. =ROUND(amount,{places}), or give more decimals") from exc
        raise FunctionInputError(f"weights: {exc}") from exc
    return shaped([excel_value(shares.get(f"{i:06d}")) for i in range(len(values))], orientation)


@func
@arg("savings_table", ndim=2, doc="The saving lines table with its headers, e.g. SavingLinesTable[#All].")
@arg(
    "rules_table",
    ndim=2,
    doc=(
        "Optional: the rules table with its headers (RulesTable[#All]); decides which lines count when a "
        "line applies only if a partner takes part."
    ),
)
@arg(
    "one_off_table",
    ndim=2,
    doc=(
        "Optional: the one-off costs table with its headers (OneOffCostsTable[#All]); adds one-off low and "
        "high columns."
    ),
)
def jw_savings_summary(savings_table, rules_table=None, one_off_table=None):
    """Appendix A: recurring cost/(saving) by service area (cashable, procurement, total, non-cashable; low and high) with a Total row, as a dynamic array. Cost positive, saving negative, £000s."""  # noqa: E501 (shown whole in Excel as the description)
    programme, chosen = programme_from_tables(savings=savings_table, rules_table=rules_table, one_off=one_off_table)
    result = consolidate(programme, options=chosen)
    return excel_rows(summary_rows(result, one_off=one_off_table is not None))


@func
@arg("savings_table", ndim=2, doc="The saving lines table with its headers, e.g. SavingLinesTable[#All].")
@arg("rules_table", ndim=2, doc="The rules table with its headers, e.g. RulesTable[#All].")
@arg(
    "baseline_table",
    ndim=2,
    doc="The baseline table with its headers, e.g. BaselineTable[#All] (for splits by share of baseline).",
)
@arg(
    "drivers_table",
    ndim=2,
    doc="Optional: the drivers table with its headers, e.g. DriversTable[#All] (for splits by a driver).",
)
def jw_by_partner(savings_table, rules_table, baseline_table, drivers_table=None):
    """Each partner's share of each service area's recurring cost/(saving), low and high, every line split exactly to £1 by the rule in use, with an all-partners column and a Total row, as a dynamic array."""  # noqa: E501 (shown whole in Excel as the description)
    programme, chosen = programme_from_tables(
        savings=savings_table, rules_table=rules_table, baseline_table=baseline_table, drivers_table=drivers_table
    )
    result = consolidate(programme, options=chosen)
    return excel_rows(by_partner_rows(result))


@func
@arg("values", ndim=2, doc="The cells to add up (empty cells count as nothing).")
@arg("stated_total", doc="The total they should add up to.")
def jw_check_total(values, stated_total):
    """OK when the values add up exactly to the stated total; otherwise the difference, stated total less the sum of the values."""  # noqa: E501 (shown whole in Excel as the description)
    total = Decimal(0)
    for r, row in enumerate(grid(values, "values"), start=1):
        for c, cell in enumerate(row, start=1):
            parsed = number(cell, f"values, row {r}, column {c}")
            total += parsed or 0
    cells = grid(stated_total, "stated_total")
    if len(cells) != 1 or len(cells[0]) != 1:
        raise FunctionInputError("stated_total: give one cell or one number")
    stated = number(cells[0][0], "stated_total")
    if stated is None:
        raise FunctionInputError("stated_total: the cell is empty; give the total the values should add up to")
    return "OK" if stated == total else excel_value(stated - total)


@func
@arg("savings_table", ndim=2, doc="The saving lines table with its headers, e.g. SavingLinesTable[#All].")
@arg("rules_table", ndim=2, doc="The rules table with its headers, e.g. RulesTable[#All].")
@arg("baseline_table", ndim=2, doc="The baseline table with its headers, e.g. BaselineTable[#All].")
@arg("drivers_table", ndim=2, doc="Optional: the drivers table with its headers, e.g. DriversTable[#All].")
@arg("one_off_table", ndim=2, doc="Optional: the one-off costs table with its headers, e.g. OneOffCostsTable[#All].")
@arg(
    "partners_table",
    ndim=2,
    doc="Optional: the partners table with its headers, e.g. PartnersTable[#All] (adds the stated-total checks).",
)
def jw_findings(
    savings_table, rules_table, baseline_table, drivers_table=None, one_off_table=None, partners_table=None
):
    """Every finding of the consolidation (severity, code, message), or one row saying there are none, as a dynamic array."""  # noqa: E501 (shown whole in Excel as the description)
    programme, chosen = programme_from_tables(
        savings=savings_table,
        rules_table=rules_table,
        baseline_table=baseline_table,
        drivers_table=drivers_table,
        one_off=one_off_table,
        partners_table=partners_table,
    )
    result = consolidate(programme, options=chosen)
    return [[_cell(v) for v in row] for row in findings_block(result.findings)]  # as the model workbook saves it


def _cell(value: object) -> object:
    """A findings-row value as a cell takes it: text and numbers as they are, anything else as its text."""
    if value is None or isinstance(value, str | int | float | Decimal):
        return excel_value(value)
    return str(value)


def _flows(value: object, what: str) -> list[Decimal]:
    """One row or column of yearly figures (cost positive, saving negative); empty cells are 0.

    Each figure is held to the engine's plausible range (``jwmodel.figures.figure``), so 1E+308 is
    refused naming the argument and year instead of overflowing later.
    """
    values, _ = vector(value, what, item=lambda i: f"year {i}")
    result: list[Decimal] = []
    for i, v in enumerate(values):
        parsed = number(v, f"{what}, year {i}") or Decimal(0)
        try:
            result.append(figure(parsed))
        except FigureError as exc:
            raise FunctionInputError(f"{what}, year {i}: {exc}") from exc
    return result


def _schedule(value: object) -> DiscountSchedule:
    """One cell read by the engine's one rule (``jwmodel.discounting.schedule_from``), as on the command line."""
    cells = grid(value, "rate_or_schedule")
    if len(cells) != 1 or len(cells[0]) != 1:
        raise FunctionInputError(
            "rate_or_schedule: give one cell: empty (Green Book STPR), STPR, health, or a rate such as 3.5 or 3.5%"
        )
    try:
        return schedule_from(cells[0][0])
    except DiscountError as exc:
        raise FunctionInputError(f"rate_or_schedule: {exc}") from exc


def _result(value: Decimal, places: str, what: str) -> object:
    """A figure for a cell, rounded to ``places``; one beyond the plausible range is an error, not an overflow."""
    if abs(value) > MAX_FIGURE:
        raise FunctionInputError(
            f"{what}: the result ({value:.3E}) is beyond 10^12, the largest figure the appraisal gives; "
            "check the inputs' units"
        )
    return excel_value(value.quantize(Decimal(places)))


@func
@arg(
    "cashflows",
    ndim=2,
    doc=(
        "One row or column of net figures by year, first year first (year 0, not discounted); cost positive, "
        "saving negative, as in Appendix A."
    ),
)
@arg(
    "rate_or_schedule",
    doc=(
        "Optional: empty or STPR for the Green Book rate (3.5%, declining after 30 years), health for the "
        "health rate, or a constant rate such as 3.5%."
    ),
)
def jw_npv(cashflows, rate_or_schedule=None):
    """Net present value, benefit positive (above 0 means worth doing), of yearly net costs/(savings), year 0 undiscounted: the Green Book example {1000,-150,...} (a £1m system saving £150k a year for 10 years) gives about 247."""  # noqa: E501 (shown whole in Excel as the description)
    flows = _flows(cashflows, "cashflows")
    schedule = _schedule(rate_or_schedule)
    try:
        value = npv_of_costs_and_savings(flows, schedule)
    except (DiscountError, AppraisalError) as exc:
        raise FunctionInputError(f"cashflows: {exc}") from exc
    return _result(value, "0.001", "cashflows")


@func
@arg(
    "cashflows",
    ndim=2,
    doc="One row or column of net figures by year, first year first; cost positive, saving negative.",
)
def jw_payback(cashflows):
    """Payback in years from the start of the first year: when the cumulative net saving reaches 0 for good, flows taken as even through each year (1000 then 150 a year pays back at 7.67). 'not within these years' if it never does."""  # noqa: E501 (shown whole in Excel as the description)
    flows = _flows(cashflows, "cashflows")
    try:
        years = payback_years(flows)
    except AppraisalError as exc:
        raise FunctionInputError(f"cashflows: {exc}") from exc
    return "not within these years" if years is None else _result(years, "0.0001", "cashflows")


@func
@arg(
    "savings",
    ndim=2,
    doc=(
        "One row or column of recurring savings by year (negative, or 0), first year first; a recurring "
        "additional cost goes in costs."
    ),
)
@arg(
    "costs",
    ndim=2,
    doc=(
        "One row or column of costs by year (positive): one-off costs and any recurring additional cost, as "
        "many years as the savings."
    ),
)
@arg("rate_or_schedule", doc="Optional: empty or STPR, health, or a constant rate such as 3.5%.")
@arg(
    "payback_years",
    doc=(
        "Optional: give a number of years to get instead how far savings can fall before payback takes "
        "longer than that."
    ),
)
def jw_switching_value(savings, costs, rate_or_schedule=None, payback_years=None):
    """The percentage by which savings can fall before the NPV reaches 0 (or, with payback_years, before payback takes longer than that), costs (one-off and recurring) held. Negative: savings must rise by that much. The Green Book example gives about 19.8; savings {-100,...} with costs {180,30,30,30,30} give 37.9."""  # noqa: E501 (shown whole in Excel as the description)
    s, c = _flows(savings, "savings"), _flows(costs, "costs")
    if len(s) != len(c):
        raise FunctionInputError(f"savings and costs: give the same number of years ({len(s)} savings, {len(c)} costs)")
    limit = number(grid(payback_years, "payback_years")[0][0], "payback_years")
    if limit is not None and limit < 0:  # the engine's message would name its own parameter, max_years
        raise FunctionInputError(f"payback_years: give 0 or more years, got {limit}")
    schedule = _schedule(rate_or_schedule) if limit is None else None
    try:
        value = payback_switching_value(s, c, limit) if schedule is None else switching_value(s, c, schedule)
    except (DiscountError, AppraisalError) as exc:
        raise FunctionInputError(str(exc)) from exc
    return "no scaling of the savings reaches it" if value is None else _result(value, "0.0001", "savings and costs")


def _option_criteria(rows: list[list[object]]) -> list[str]:
    if len(rows) < 2 or len(rows[0]) < 2:
        raise FunctionInputError(
            "scores_table: give a header row (Option, then one column per criterion) and at least one option"
        )
    n_options, n_criteria = len(rows) - 1, len(rows[0]) - 1
    if n_options * n_criteria > MAX_SCORES or n_criteria > MAX_CRITERIA:
        raise FunctionInputError(
            f"scores_table: {n_options:,} options by {n_criteria} criteria is more than this scores at once "
            f"(up to {MAX_SCORES:,} scores, e.g. 5,000 options by 20 criteria, and {MAX_CRITERIA} criteria); "
            "score them in groups"
        )
    criteria = [str(c).strip() if c is not None else "" for c in rows[0][1:]]
    if any(not c for c in criteria) or len(set(criteria)) != len(criteria):
        raise FunctionInputError("scores_table: every criterion column needs a distinct heading")
    return criteria


def _option_rows(rows: list[list[object]], criteria: list[str]) -> dict[str, dict[str, object]]:
    options: dict[str, dict[str, object]] = {}
    for r, row in enumerate(rows[1:], start=2):
        name = str(row[0]).strip() if row and row[0] is not None else ""
        if not name:
            continue
        if name in options:
            raise FunctionInputError(f"scores_table, row {r}: the option {name!r} appears twice")
        options[name] = {c: number(v, f"scores_table, row {r}, {c}") for c, v in zip(criteria, row[1:], strict=False)}
    return options


@func
@arg(
    "scores_table",
    ndim=2,
    doc=(
        "Options down the side, criteria across the top, with headers: Option, Quality, Resilience, "
        "Efficiency (or your own criteria)."
    ),
)
@arg("weights", ndim=2, doc="One row of weights, one per criterion column, in the same order (percentages or points).")
def jw_option_scores(scores_table, weights):
    """Options appraisal: each option's weighted score and rank (1 = best; equal scores share a rank), then, for each criterion, the weights below and above which the best option would change. Up to 100,000 scores (e.g. 5,000 options by 20 criteria)."""  # noqa: E501 (shown whole in Excel as the description)
    rows = grid(scores_table, "scores_table")
    criteria = _option_criteria(rows)
    values, _ = vector(weights, "weights")
    if len(values) != len(criteria):
        raise FunctionInputError(
            f"weights: give one weight per criterion ({len(criteria)}: {', '.join(criteria)}), got {len(values)}"
        )
    criteria_weights = {c: number(v, f"weights, {c}") or Decimal(0) for c, v in zip(criteria, values, strict=True)}
    options = _option_rows(rows, criteria)
    try:
        return excel_rows(option_scores_rows(options, criteria_weights))  # as the model workbook saves it
    except AppraisalError as exc:
        raise FunctionInputError(str(exc)) from exc
