"""Versions of the business case: a named, self-contained record of one consolidation.

A :class:`Version` is the evidence a third party needs to rerun a business case and get the same
figures: its name ("Cabinet April 2012"), the date it was made, the jwmodel version that made it,
every input file's SHA-256, the parameters (the participation options asked for and in use, the
plan's first year and length, the discount schedule, optimism bias, payback limit), the
consolidated :class:`~jwmodel.model.Programme` with every line, rule and option as read, and the
figures: the summary document (docs/summary-json.md) with a ``lines`` section added, one entry per
saving line and one-off cost (its ID, figures, each partner's share, and the file and cell it came
from; :func:`line_figures`).

:func:`version_to_json` and :func:`version_from_json` turn a version into a JSON document and
back; the programme round-trips exactly (every ``Decimal`` is written as its string). The service
layer writes and reads the file (``jwmodel.save_version``, ``jwmodel.load_version``), reruns it
(``jwmodel.verify_version``) and compares two (``jwmodel.changes``, from :mod:`jwmodel.changes`).

How a consumer (the monitoring tracker) gets a line's plan by year and its apportionment::

    from jwmodel.consolidation import consolidate
    from jwmodel.phasing import ONE_OFF, SAVING, phase_line

    years = version.settings.plan                    # ("2012/13", "2013/14", ...)
    for line in version.programme.saving_lines:      # and version.programme.one_off_costs (ONE_OFF)
        flow = phase_line(SAVING, line.estimate.low, line.profile, years)   # or .high
        plan = flow.net                              # £000s a year, saving negative, keyed by line.line_id

    result = consolidate(version.programme, options=version.options)   # the version's own figures
    share = next(s for s in result.lines if s.line_id == "LD-S01")
    share.percentages                                # partner -> % of the line (None: not apportioned)
    share.shares                                     # partner -> Range of the full-year figure

``version.figures["lines"]`` holds the same split as figures (``shares``, ``percentages``) for
readers that do not run jwmodel.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from jwmodel.business_case import AppraisalSettings
from jwmodel.conditions import Condition, ConditionError, parse_condition
from jwmodel.consolidation import Consolidation, LineShare
from jwmodel.errors import JwmodelError
from jwmodel.findings import Finding
from jwmodel.model import FrozenMap, Programme, frozen_map
from jwmodel.summary import number

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "Version",
    "VersionError",
    "make_version",
    "line_figures",
    "version_to_json",
    "version_from_json",
    "programme_to_json",
    "programme_from_json",
]

FORMAT = "jwmodel business case version"
FORMAT_VERSION = 1


class VersionError(JwmodelError, ValueError):
    """A version document that cannot be read (not a version, a newer format, a field that is wrong)."""


@dataclass(frozen=True, slots=True)
class Version:
    """One saved consolidation: name, date, jwmodel version, inputs, parameters, programme and figures.

    Attributes:
        name: what the version is called ("Cabinet April 2012").
        created: the date it was saved, ISO (2012-04-24).
        jwmodel_version: the jwmodel that made it.
        inputs: file name -> SHA-256 of every file read (and the programme definition used).
        options: the participation options asked for (service area -> option; "*" for every one).
        options_in_use: service area -> the option each service area was consolidated under.
        settings: the appraisal's settings (plan years ``settings.plan``, discount, optimism bias).
        financial_year: the financial year the returns' covers gave.
        programme: everything read, as consolidated (every line with its ID, every rule and option).
        figures_json: the figures as canonical JSON; read them through :attr:`figures`.
    """

    name: str
    created: str
    jwmodel_version: str
    inputs: Mapping[str, str]
    options: Mapping[str, str]
    options_in_use: Mapping[str, str]
    settings: AppraisalSettings
    financial_year: str
    programme: Programme
    figures_json: str

    def __post_init__(self) -> None:
        for name in ("inputs", "options", "options_in_use"):
            object.__setattr__(self, name, frozen_map(getattr(self, name)))

    @property
    def figures(self) -> dict[str, Any]:
        """The summary document with its ``lines`` section (a fresh copy each time)."""
        return json.loads(self.figures_json)

    @property
    def parameters(self) -> dict[str, Any]:
        """The parameters the figures depend on, as shown in the version file and ``jwmodel changes``."""
        settings = self.settings
        return {
            "options": dict(self.options),
            "options_in_use": dict(self.options_in_use),
            "financial_year": self.financial_year,
            "plan_years": list(settings.plan),
            "discount": settings.schedule.name or str(settings.schedule.bands),
            "optimism_bias": None if settings.bias is None else _encode(settings.bias),
            "payback_limit_years": str(settings.payback_limit_years),
        }


def line_figures(result: Consolidation) -> list[dict[str, Any]]:
    """One entry per saving line and one-off cost: ID, figures, each partner's share and where it came from."""
    return [_line(line, result.partners) for line in result.lines]


def _line(line: LineShare, partners: Sequence[str]) -> dict[str, Any]:
    return {
        "id": line.line_id,
        "service": line.service,
        "kind": str(line.kind),
        "description": line.description,
        "category": str(line.category),
        "low": number(line.estimate.low),
        "high": number(line.estimate.high),
        "included": line.included,
        "apportioned": line.apportioned,
        "basis": line.basis,
        "percentages": None
        if line.percentages is None
        else {p: number(line.percentages[p]) for p in partners if p in line.percentages},
        "shares": {p: {"low": number(s.low), "high": number(s.high)} for p in partners if (s := line.shares.get(p))},
        "file": line.where.file,
        "sheet": line.where.sheet,
        "cell": line.where.cell,
    }


def make_version(
    name: str,
    *,
    created: str,
    jwmodel_version: str,
    inputs: Mapping[str, str],
    options: Mapping[str, str],
    settings: AppraisalSettings,
    financial_year: str,
    programme: Programme,
    result: Consolidation,
    summary: Mapping[str, Any],
) -> Version:
    """A version from one consolidation and its summary document (``Run.summary()``)."""
    figures = {**summary, "lines": line_figures(result)}
    return Version(
        name,
        created,
        jwmodel_version,
        dict(sorted(inputs.items())),
        dict(options),
        dict(result.options_in_use),
        settings,
        financial_year,
        programme,
        json.dumps(figures, ensure_ascii=False),
    )


def version_to_json(version: Version) -> dict[str, Any]:
    """The version as a JSON document (``Decimal`` as strings, enums as their values)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": version.name,
        "created": version.created,
        "jwmodel_version": version.jwmodel_version,
        "inputs": dict(version.inputs),
        "parameters": version.parameters,
        "options": dict(version.options),
        "options_in_use": dict(version.options_in_use),
        "settings": _encode(version.settings),
        "financial_year": version.financial_year,
        "programme": programme_to_json(version.programme),
        "figures": version.figures,
    }


def version_from_json(document: Mapping[str, Any]) -> Version:
    """The version a document written by :func:`version_to_json` holds.

    Raises:
        VersionError: the document is not a jwmodel version, is of a newer format, or a field cannot
            be read (the message names the field).
    """
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        raise VersionError(f"this is not a {FORMAT} (its 'format' is not {FORMAT!r})")
    if document.get("format_version") != FORMAT_VERSION:
        raise VersionError(
            f"version file format {document.get('format_version')!r}; this jwmodel reads format {FORMAT_VERSION}"
        )
    try:
        return Version(
            str(document["name"]),
            str(document["created"]),
            str(document["jwmodel_version"]),
            dict(document["inputs"]),
            dict(document["options"]),
            dict(document["options_in_use"]),
            _decode(document["settings"], AppraisalSettings, "settings"),
            str(document["financial_year"]),
            programme_from_json(document["programme"]),
            json.dumps(document["figures"], ensure_ascii=False),
        )
    except KeyError as exc:
        raise VersionError(f"the version has no {exc.args[0]!r}") from None


def programme_to_json(programme: Programme) -> dict[str, Any]:
    """A programme as JSON (``Decimal`` as strings): the ``programme`` of a version document."""
    return _encode(programme)


def programme_from_json(document: Mapping[str, Any]) -> Programme:
    """The programme :func:`programme_to_json` wrote, exactly.

    Raises:
        VersionError: a field cannot be read (the message names it).
    """
    try:
        return _decode(document, Programme, "programme")
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, VersionError):
            raise
        raise VersionError(f"programme: {exc}") from exc


# --- the codec: frozen dataclasses to JSON and back, driven by their type hints ----------------------

_DECIMAL_TAG = "$decimal"  # a Decimal where the type does not say so (a finding's value)


def _encode(value: object) -> Any:
    if value is None or isinstance(value, bool | int | str | float):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Condition):
        return str(value)  # as typed: read back by the one parser
    if isinstance(value, Finding):
        return {"code": str(value.code), "message": value.message, "where": _encode(value.where), "value": _any(value)}
    if dataclasses.is_dataclass(value):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    raise TypeError(f"cannot write {type(value).__name__} into a version")


def _any(finding: Finding) -> Any:
    """A finding's value, which may be of any type: a Decimal is tagged so it comes back a Decimal."""
    value = finding.value
    if isinstance(value, Decimal):
        return {_DECIMAL_TAG: str(value)}
    if value is None or isinstance(value, bool | int | str | float):
        return value
    return str(value)


def _hints(cls: type) -> dict[str, Any]:
    import sys

    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))


def _decode(data: Any, tp: Any, path: str) -> Any:  # one branch per kind of type
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)][:1] or [Any]
        return _decode(data, inner, path)
    if tp is Any or tp is object:
        return Decimal(data[_DECIMAL_TAG]) if isinstance(data, dict) and _DECIMAL_TAG in data else data
    if tp is Decimal:
        return _decimal(data, path)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if tp in (str, int, bool):
        if not isinstance(data, tp):
            raise VersionError(f"{path}: expected {tp.__name__}, got {data!r}")
        return data
    if tp is Condition:
        try:
            return parse_condition(data)
        except ConditionError as exc:
            raise VersionError(f"{path}: {exc}") from None
    if tp is Finding:
        where = _decode(data["where"], _hints(Finding)["where"], f"{path}.where")
        return Finding(data["code"], data["message"], where, _decode(data["value"], Any, path))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(v, args[0], f"{path}[{i}]") for i, v in enumerate(data))
        return tuple(_decode(v, a, f"{path}[{i}]") for i, (v, a) in enumerate(zip(data, args, strict=True)))
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        key, value = args
        return FrozenMap({_decode(k, key, path): _decode(v, value, f"{path}.{k}") for k, v in data.items()})
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs = {
            f.name: _decode(data[f.name], hints[f.name], f"{path}.{f.name}")
            for f in dataclasses.fields(tp)
            if f.init and f.name in data
        }
        if "only_if_partner" in data and "condition" not in data and data["only_if_partner"]:  # before issue 12
            kwargs["condition"] = Condition.joins(str(data["only_if_partner"]))
        return tp(**kwargs)
    raise VersionError(f"{path}: cannot read a {tp!r}")


def _decimal(data: Any, path: str) -> Decimal:
    if not isinstance(data, str):
        raise VersionError(f"{path}: expected a number written as a string, got {data!r}")
    try:
        return Decimal(data)
    except ArithmeticError:
        raise VersionError(f"{path}: {data!r} is not a number") from None
