"""Write the Hampshire 2012 monitoring example: its programme.json and every quarterly monitoring return.

The figures are ``jwmodel.examples.hampshire_2012_monitoring``'s (ILLUSTRATIVE), which ``build_workbooks`` (the
one importer of the examples) passes in as ``example``; the lines are the approved version's, by their IDs.
``make workbooks`` runs it, after writing the approved version.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from jwmodel.definition import FILE_NAME, ProgrammeDefinition, validated
from jwmodel.excel import schema as s
from jwmodel.excel.programme_file import write_definition
from jwmodel.excel.templates import (
    proposal_name,
    return_name,
    write_monitoring_return,
    write_partner_return,
    write_workstream_proposal,
)
from jwmodel.model import SavingLine
from jwmodel.monitoring import (
    DriverActual,
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

__all__ = ["FOLDER", "file_name", "example_returns", "write_monitoring_example", "write_actuals_example"]

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


def _business_case(
    example: Any, folder: Path, definition: ProgrammeDefinition, returns: Sequence[Any], proposals: Sequence[Any]
) -> list[Path]:
    """The approved business case's returns (with their Targets sheets) and proposals (lines tagged to targets)."""
    folder.mkdir(parents=True, exist_ok=True)
    setup = definition.setup
    written = [write_definition(folder / FILE_NAME, validated(definition))]
    for r in returns:
        targets = tuple(t for t in example.TARGETS if t.partner == r.partner.code)
        path = folder / return_name(r.partner.code)
        written.append(write_partner_return(path, setup, dataclasses.replace(r, targets=targets)))
    for p in proposals:
        lines = tuple(_tagged(example, x) for x in p.saving_lines)
        path = folder / proposal_name(p.service.name)
        written.append(write_workstream_proposal(path, setup, dataclasses.replace(p, saving_lines=lines)))
    return written


def _tagged(example: Any, line: SavingLine) -> SavingLine:
    tag = example.TAGS.get((line.service, line.description))
    return line if tag is None else dataclasses.replace(line, plan_partner=tag[0], plan_target=tag[1])


def _ids(run: Any) -> tuple[dict[tuple[str, str], str], dict[str, str], list[dict[str, object]]]:
    """The version's saving-line IDs by (service, description), one-off cost IDs by service, and each line's cells."""
    ids, cost_ids, about = {}, {}, []
    for share in run.consolidation.lines:
        about.append({"line_id": share.line_id, "service": share.service, "description": share.description})
        if share.kind == "saving":
            ids[(share.service, share.description)] = share.line_id
        else:
            cost_ids[share.service] = share.line_id
    return ids, cost_ids, about


def write_monitoring_example(
    example: Any,
    root: Path,
    definition: ProgrammeDefinition,
    returns: Sequence[Any],
    proposals: Sequence[Any],
) -> list[Path]:
    """The example under ``root`` (the workbooks/ folder): the approved business case (``business-case/``: the
    Hampshire returns and proposals with the partners' targets and the lines tagged to them), the approved
    version made from it (``approved-version.json``), and the monitoring returns (``returns/``, with the
    programme definition and its monitoring section)."""
    from jwmodel.service import consolidate_folder, save_version

    base = root / FOLDER
    written = _business_case(example, base / example.BUSINESS_CASE, definition, returns, proposals)
    run = consolidate_folder(base / example.BUSINESS_CASE, workers=0, progress=False)
    version = base / example.VERSION_FILE
    written.append(save_version(run, version, example.VERSION_NAME, created=example.VERSION_CREATED))
    ids, cost_ids, about = _ids(run)
    folder = base / example.RETURNS
    folder.mkdir(parents=True, exist_ok=True)
    monitored = dataclasses.replace(definition, monitoring=example.plan())
    written.append(write_definition(folder / FILE_NAME, validated(monitored)))
    for name, r in example_returns(example, ids, cost_ids):
        written.append(write_monitoring_return(folder / name, definition.setup, r, lines=about))
    return written


# --- East Herts after year 1: the actual drivers for the yearly true-up (issue 12) --------------------


def _actuals_return(example: Any, partner: str) -> MonitoringReturn:
    contact, email, submitted = example.CONTACTS[partner]
    cover = Cover(s.MONITORING_RETURN, s.VERSION, period_year(example.PERIOD), contact, email, submitted, "1")
    name, role = example.SIGN_OFF[partner]
    actuals = tuple(
        DriverActual(service, example.DRIVER, example.YEAR, value, example.BASIS)
        for service, value in example.ACTUALS[partner].items()
    ) + tuple(
        DriverActual(service, example.FTE_DRIVER, example.YEAR, value, example.FTE_BASIS)
        for service, value in example.FTE_ACTUALS.get(partner, {}).items()
    )
    return MonitoringReturn(
        cover, partner, example.PERIOD, ReturnStatus.FINAL, SignOff(name, role, submitted), actuals=actuals
    )


def write_actuals_example(example: Any, root: Path, definition: ProgrammeDefinition, business_case: Path) -> list[Path]:
    """The East Herts true-up example under ``root`` (the workbooks/ folder): the approved version made from the
    business case folder ``business_case`` (``approved-version.json``), the programme definition, and each
    council's year-end monitoring return with its actual drivers (``example``: its data module)."""
    from jwmodel.service import consolidate_folder, save_version

    folder = root / "examples" / example.FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    run = consolidate_folder(business_case, workers=0, progress=False)
    written = [save_version(run, folder / example.VERSION_FILE, example.VERSION_NAME, created=example.VERSION_CREATED)]
    written.append(write_definition(folder / FILE_NAME, validated(definition)))
    for partner in example.ACTUALS:
        r = _actuals_return(example, partner)
        written.append(write_monitoring_return(folder / file_name(partner, example.PERIOD), definition.setup, r))
    return written
