"""Herefordshire Shared Services Partnership (December 2009): the benchmark-gap worked example.

Published facts (Herefordshire Council cabinet report, 18 December 2009, "Interim report on shared
services", paragraphs 6-8): the in-scope services of the council, NHS Herefordshire and Hereford
Hospitals NHS Trust consume 526 FTE and £19 million a year; moving them to shared services could
release 104-140 FTE and save £3.4m-£5.4m a year recurring; a joined-up approach to contract
management and procurement could save approximately £890k a year more. The savings were estimated
from each service's gap to top-quartile performance.

The report gives only those totals. EVERYTHING PER SERVICE BELOW IS AN ILLUSTRATIVE ASSUMPTION,
labelled so: the list of services (drawn from the services the report names: HR, finance, payroll,
legal and democratic, procurement, ICT), each one's cost and FTE, its benchmark metrics and the
achievable shares of its gap. They were chosen so that the method reproduces the published totals
exactly, and to be plausible (transactional services close more of their gap than ICT, whose
costs are tied up in contracts; the report singles out HR and Legal & Democratic for process
improvement). They are not Herefordshire's figures.
"""

from __future__ import annotations

from decimal import Decimal as D

from jwmodel.benchmarks import BenchmarkResult, Metric, ServiceBenchmark, assess_all, to_saving_line
from jwmodel.model import Category, Range, SavingLine

__all__ = [
    "ILLUSTRATIVE",
    "PUBLISHED",
    "BENCHMARKS",
    "PROCUREMENT_SAVING",
    "benchmark_results",
    "saving_lines",
]

ILLUSTRATIVE = "ILLUSTRATIVE ASSUMPTION: not in the source report"

PUBLISHED = {
    "in_scope_fte": D(526),
    "in_scope_cost": D(19000),
    "fte_release": Range(D(104), D(140)),
    "recurring_saving": Range(D(-3400), D(-5400)),
    "procurement_saving": D(-890),
}
"""The report's headline figures, in £000s (saving negative) and FTE."""


def _service(service: str, cost: int, fte: int, cost_metric: Metric, fte_metric: Metric, low: int) -> ServiceBenchmark:
    return ServiceBenchmark(service, D(cost), D(fte), cost_metric, fte_metric, D(low), D(100), note=ILLUSTRATIVE)


BENCHMARKS = (
    _service(
        "Human Resources",
        3300,
        88,
        Metric("HR cost per employee served (£)", D(400), D(300)),
        Metric("HR FTE per 1,000 employees served", D(16), D(10)),
        80,
    ),
    _service(
        "Payroll",
        1200,
        40,
        Metric("cost per payslip (£)", D(8), D(6)),
        Metric("payroll FTE per 10,000 payslips a year", D(4), D(3)),
        95,
    ),
    _service(
        "Finance",
        4800,
        140,
        Metric("finance cost as % of organisation spend", D("1.0"), D("0.7")),
        Metric("finance FTE per £100m organisation spend", D(20), D(14)),
        65,
    ),
    _service(
        "ICT",
        5500,
        120,
        Metric("ICT cost per user (£)", D(2000), D(1300)),
        Metric("ICT FTE per 1,000 users", D(16), D(14)),
        40,
    ),
    _service(
        "Procurement",
        1400,
        36,
        Metric("procurement cost per £1m addressable spend (£)", D(8000), D(6000)),
        Metric("procurement FTE per £100m addressable spend", D(6), D(5)),
        70,
    ),
    _service(
        "Legal & Democratic Services",
        2800,
        102,
        Metric("cost per employee served (£)", D(100), D(80)),
        Metric("FTE per 1,000 employees served", D(3), D(2)),
        90,
    ),
)
"""ILLUSTRATIVE ASSUMPTIONS per service; high case closes the whole gap, low case the share given."""

PROCUREMENT_SAVING = Range(D(-890), D(-890))
"""Published: 'approximately £890K per annum' from joined-up contract management and procurement."""


def benchmark_results() -> tuple[BenchmarkResult, ...]:
    """The benchmark-gap results for the illustrative services (they add up to the published totals)."""
    return assess_all(BENCHMARKS)


def saving_lines() -> tuple[SavingLine, ...]:
    """The results as recurring saving lines, plus the published procurement saving."""
    lines = [to_saving_line(result) for result in benchmark_results()]
    lines.append(
        SavingLine(
            "Procurement",
            "Joined-up strategic contract management and procurement (Procurement Centre of Excellence)",
            Category.PROCUREMENT,
            PROCUREMENT_SAVING,
            note="published as approximately £890k a year",
        )
    )
    return tuple(lines)
