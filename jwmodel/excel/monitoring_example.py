"""Write the Hampshire 2012 monitoring example: its programme.json and every quarterly monitoring return.

The figures are ``jwmodel.examples.hampshire_2012_monitoring``'s (ILLUSTRATIVE), which ``build_workbooks`` (the
one importer of the examples) passes in as ``example``; the lines are the approved version's, by their IDs.
``make workbooks`` runs it, after writing the approved version.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from jwmodel.definition import FILE_NAME, ProgrammeDefinition, validated
from jwmodel.excel import schema as s
from jwmodel.excel.programme_file import write_definition
from jwmodel.excel.templates import write_monitoring_return
from jwmodel.monitoring import (
    LineReport,
    LineStatus,
    Measurement,
    MonitoringReturn,
    ReturnStatus,
    SignOff,
    SpendReport,
    period_year,
)
from jwmodel.submissions import Cover

__all__ = ["FOLDER", "file_name", "example_returns", "write_monitoring_example"]

FOLDER = Path("examples") / "hampshire-2012-monitoring"
_STATUS = {"o": LineStatus.ON_TRACK, "r": LineStatus.AT_RISK, "d": LineStatus.DELIVERED, "x": LineStatus.DROPPED}


def file_name(partner: str, period: str, suffix: str = "") -> str:
    return f"monitoring-{partner}-{period.replace('/', '-').replace(' ', '-')}{suffix}.xlsx"


def _lines(
    example: Any, partner: str, q: int, period: str, ids: Mapping[tuple[str, str], str]
) -> tuple[LineReport, ...]:
    year = example.PERIODS.index(period) // 4
    reports = []
    for (service, description), (delivered, forecasts, statuses) in example.DELIVERED.items():
        if example.LEADS[service] != partner:
            continue
        comment = example.COMMENTS.get((service, description, period), "")
        reports.append(
            LineReport(ids[(service, description)], delivered[q], forecasts[year], _STATUS[statuses[q]], comment)
        )
    return tuple(reports)


def _spend(example: Any, partner: str, period: str, cost_ids: Mapping[str, str]) -> tuple[SpendReport, ...]:
    return tuple(
        SpendReport(cost_ids[service], spent)
        for service, reported in example.SPEND.items()
        if example.LEADS[service] == partner
        for when, spent in reported
        if when == period
    )


def _measured(example: Any, partner: str, q: int, period: str) -> tuple[Measurement, ...]:
    out = []
    for measure, (owner, values) in example.MEASURED.items():
        if owner == partner and values[q] is not None:
            out.append(Measurement(measure, Decimal(values[q]), example.quarter_end(period), example.ILLUSTRATIVE))
    return tuple(out)


def _return(example: Any, partner: str, q: int, period: str, ids, cost_ids) -> MonitoringReturn:
    contact, email = example.CONTACTS[partner]
    submitted = example.submitted_date(partner, period)
    draft = (partner, period) in example.DRAFTS
    cover = Cover(s.MONITORING_RETURN, s.VERSION, period_year(period), contact, email, submitted, "1")
    name, role = example.SIGN_OFF[partner]
    return MonitoringReturn(
        cover,
        partner,
        period,
        ReturnStatus.DRAFT if draft else ReturnStatus.FINAL,
        SignOff() if draft else SignOff(name, role, submitted),
        _lines(example, partner, q, period, ids),
        _spend(example, partner, period, cost_ids),
        _measured(example, partner, q, period),
        example.FTE_RELEASED.get((partner, period)),
    )


def example_returns(
    example: Any, ids: Mapping[tuple[str, str], str], cost_ids: Mapping[str, str]
) -> Iterable[tuple[str, MonitoringReturn]]:
    """(file name, return) for every return the example folder holds, the reopened period's first return too.

    Args:
        example: the example's data module (``jwmodel.examples.hampshire_2012_monitoring``).
        ids: the approved version's saving-line IDs by (service area, description).
        cost_ids: its one-off costs' IDs by service area (one "IT resource" cost each).
    """
    for q, period in enumerate(example.PERIODS):
        for partner in ("HC", "HFRS", "HCC"):
            if (partner, period) in example.MISSING:
                continue
            r = _return(example, partner, q, period, ids, cost_ids)
            if (partner, period) == example.REOPENED:
                yield file_name(partner, period), _first_of_reopened(example, r, ids)
                again = dataclasses.replace(r.cover, submitted=_later(r.cover.submitted), submission_version="2")
                r = dataclasses.replace(r, cover=again, sign_off=dataclasses.replace(r.sign_off, date=again.submitted))
                yield file_name(partner, period, "-resubmitted"), r
                continue
            yield file_name(partner, period), r


def _later(date: str) -> str:
    return date[:8] + f"{int(date[8:]) + 7:02d}"


def _first_of_reopened(example: Any, r: MonitoringReturn, ids: Mapping[tuple[str, str], str]) -> MonitoringReturn:
    fm = ids[("Facilities Management", "Combined delivery services: reduced staff numbers")]
    lines = tuple(dataclasses.replace(x, delivered=example.FIRST_FM_Q2) if x.line_id == fm else x for x in r.lines)
    return dataclasses.replace(r, lines=lines)


def write_monitoring_example(
    example: Any,
    root: Path,
    definition: ProgrammeDefinition,
    ids: Mapping[tuple[str, str], str],
    cost_ids: Mapping[str, str],
    about: Iterable[Mapping[str, object]],
) -> list[Path]:
    """The example folder under ``root`` (the workbooks/ folder): programme.json with the monitoring section,
    and every return. ``about`` gives each line's ID, service and description (shown beside its figures)."""
    folder = root / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    monitored = dataclasses.replace(definition, monitoring=example.plan())
    written = [write_definition(folder / FILE_NAME, validated(monitored))]
    about = list(about)
    for name, r in example_returns(example, ids, cost_ids):
        written.append(write_monitoring_return(folder / name, definition.setup, r, lines=about))
    return written
