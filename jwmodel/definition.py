"""The programme definition: the partners and service areas the programme office sets, in order.

The templates are made from it, and every submission is held to it: a partner code, partner name or
service area that a file's Lists sheet adds or changes is an error located to its cell, and the file
is rejected (:func:`list_findings`). The order of partners and service areas in every output is the
definition's. Without a definition, the lists most submissions share stand in for it, with a warning
(:func:`assumed`).

This module is pure: a definition is parsed from text or a dict and given back as a dict. Reading
and writing the file (``programme.json``) is the adapter's (:mod:`jwmodel.excel.programme_file`).

>>> d = from_dict({"partners": [{"code": "HC", "name": "Hampshire Constabulary"}], "service_areas": ["Legal"]})
>>> to_dict(d)["partners"]
[{'code': 'HC', 'name': 'Hampshire Constabulary'}]
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from jwmodel.cells import code_problem, name_problem
from jwmodel.codes import Code
from jwmodel.errors import JwmodelError
from jwmodel.findings import NOWHERE, Finding, Location
from jwmodel.model import BaselineEntry, Partner
from jwmodel.monitoring import MonitoringPlan, MonitoringReturn, PlanError, plan_from_dict, plan_to_dict
from jwmodel.phasing import PhasingError, financial_years
from jwmodel.submissions import PartnerReturn, ProgrammeSetup, WorkstreamProposal, most_shared

__all__ = [
    "FILE_NAME",
    "FORMAT",
    "DefinitionError",
    "ProgrammeDefinition",
    "from_dict",
    "from_text",
    "to_dict",
    "to_text",
    "from_setup",
    "validated",
    "list_findings",
    "assumed",
    "in_programme_terms",
    "same_name",
]

FILE_NAME = "programme.json"  # beside the returns, and beside the templates it was made with
FORMAT = "jwmodel programme definition"
_KEYS = ("format", "name", "financial_year", "partners", "service_areas", "monitoring")
_MAX_TEXT = 255  # a partner's or service area's name: far more than any needs, far less than a cell holds


class DefinitionError(JwmodelError, ValueError):
    """A programme definition that cannot be used; the message names the file and the entry, in one line."""


@dataclass(frozen=True, slots=True)
class ProgrammeDefinition:
    """The programme office's programme: its name and financial year, partners and service areas, in order."""

    partners: tuple[Partner, ...]
    services: tuple[str, ...]
    name: str = ""
    financial_year: str = ""
    monitoring: MonitoringPlan = MonitoringPlan()  # after approval: benefits register, targets, returns due

    def __post_init__(self) -> None:
        object.__setattr__(self, "partners", tuple(self.partners))
        object.__setattr__(self, "services", tuple(self.services))

    @property
    def setup(self) -> ProgrammeSetup:
        """The lists a template made from this definition carries."""
        return ProgrammeSetup(self.partners, self.services, self.financial_year)

    def partner(self, code: str) -> Partner | None:
        return next((p for p in self.partners if p.code == code), None)

    def described(self, *, assumed: bool) -> str:
        """One line saying which programme a run was held to (for the Read me)."""
        name = f"{self.name}: " if self.name else ""
        where = (
            "assumed from the lists most submissions share (no programme.json: see Findings, PROGRAMME_ASSUMED)"
            if assumed
            else "from the programme office's definition (programme.json)"
        )
        codes = ", ".join(p.code for p in self.partners)
        return f"Programme: {name}partners {codes}; {len(self.services)} service areas; {where}."


def _normal(text: str) -> str:
    """A name as compared: its NFKC form (so composed and decomposed accents, full-width letters are equal)."""
    return unicodedata.normalize("NFKC", text)


def same_name(a: str, b: str) -> bool:
    """Whether two names are the same name: equal after Unicode NFKC normalisation."""
    return a == b or _normal(a) == _normal(b)


# --- parsing and checking ---------------------------------------------------------------------------


def _problems(d: ProgrammeDefinition) -> Iterable[tuple[str, str]]:
    """(where in the definition, what is wrong) for every problem, in the order of the file."""
    if d.financial_year:
        try:
            financial_years(d.financial_year, 1)
        except PhasingError as exc:
            yield "financial_year", str(exc)
    if not d.partners:
        yield "partners", "no partners: give at least one, each with a code and a name"
    codes: dict[str, int] = {}
    for i, p in enumerate(d.partners):
        at = f"partners[{i}]"
        if not p.code:
            yield f"{at}.code", "the code is blank"
        elif problem := code_problem(p.code):
            yield f"{at}.code", problem
        elif p.code.casefold() in codes:
            yield f"{at}.code", f"{p.code!r} is given twice (also partners[{codes[p.code.casefold()]}])"
        codes.setdefault(p.code.casefold(), i)
        yield from _name_problems(f"{at}.name", p.name)
    if not d.services:
        yield "service_areas", "no service areas: give at least one"
    seen: dict[str, int] = {}
    for i, service in enumerate(d.services):
        yield from _name_problems(f"service_areas[{i}]", service)
        key = _normal(service).casefold()
        if service and key in seen:
            yield f"service_areas[{i}]", f"{service!r} is given twice (also service_areas[{seen[key]}])"
        seen.setdefault(key, i)
    yield from _name_problems("name", d.name, required=False)


def _name_problems(at: str, text: str, *, required: bool = True) -> Iterable[tuple[str, str]]:
    if not text.strip():
        if required:
            yield at, "the name is blank"
    elif text != text.strip():
        yield at, f"{text!r} starts or ends with a space"
    elif len(text) > _MAX_TEXT:
        yield at, f"the name is {len(text):,} characters long; at most {_MAX_TEXT}"
    elif problem := name_problem(text):
        yield at, problem


def validated(definition: ProgrammeDefinition, *, source: str = FILE_NAME) -> ProgrammeDefinition:
    """``definition`` if it can be used.

    Raises:
        DefinitionError: the first problem, located: ``programme.json: partners[3].code: ...``.
    """
    for at, problem in _problems(definition):
        raise DefinitionError(f"{source}: {at}: {problem}")
    return definition


def _text(data: Mapping[str, object], key: str, at: str, source: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise DefinitionError(f"{source}: {at}: expected text, got {json.dumps(value)[:60]}")
    return value


def _list(data: Mapping[str, object], key: str, source: str) -> list[object]:
    value = data.get(key)
    if not isinstance(value, list):
        shown = "nothing" if value is None else json.dumps(value)[:60]
        raise DefinitionError(f"{source}: {key}: expected a list, got {shown}")
    return value


def _partner(item: object, at: str, source: str) -> Partner:
    if not isinstance(item, dict):
        raise DefinitionError(f'{source}: {at}: expected {{"code": ..., "name": ...}}, got {json.dumps(item)[:60]}')
    unknown = sorted(set(item) - {"code", "name"})
    if unknown:
        raise DefinitionError(f"{source}: {at}: unknown key {unknown[0]!r}; a partner has 'code' and 'name'")
    return Partner(_text(item, "code", f"{at}.code", source), _text(item, "name", f"{at}.name", source))


def from_dict(data: object, *, source: str = FILE_NAME) -> ProgrammeDefinition:
    """A definition from its JSON form (as :func:`to_dict` gives it), checked.

    ``{"format": ..., "name": ..., "financial_year": "2012/13", "partners": [{"code": "HC", "name":
    "Hampshire Constabulary"}, ...], "service_areas": ["Legal Services", ...]}``; ``format``, ``name`` and
    ``financial_year`` may be left out.

    Raises:
        DefinitionError: the first problem, naming ``source`` and the entry (``partners[2].name``).
    """
    if not isinstance(data, dict):
        raise DefinitionError(f"{source}: expected a JSON object with partners and service_areas")
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise DefinitionError(f"{source}: unknown key {unknown[0]!r}; the keys are: {', '.join(_KEYS)}")
    if "format" in data and data["format"] != FORMAT:
        raise DefinitionError(f"{source}: format: expected {FORMAT!r}, got {json.dumps(data['format'])[:60]}")
    partners = tuple(_partner(x, f"partners[{i}]", source) for i, x in enumerate(_list(data, "partners", source)))
    services = []
    for i, x in enumerate(_list(data, "service_areas", source)):
        if not isinstance(x, str):
            raise DefinitionError(f"{source}: service_areas[{i}]: expected text, got {json.dumps(x)[:60]}")
        services.append(x)
    definition = ProgrammeDefinition(
        partners,
        tuple(services),
        _text(data, "name", "name", source),
        _text(data, "financial_year", "financial_year", source),
        _monitoring(data, source),
    )
    return validated(definition, source=source)


def _monitoring(data: Mapping[str, object], source: str) -> MonitoringPlan:
    """The definition's monitoring section (benefits register, targets, returns due): empty when there is none."""
    try:
        return plan_from_dict(data["monitoring"], source=source) if "monitoring" in data else MonitoringPlan()
    except PlanError as exc:
        raise DefinitionError(str(exc)) from exc


def from_text(text: str, *, source: str = FILE_NAME) -> ProgrammeDefinition:
    """A definition from JSON text; see :func:`from_dict`.

    Raises:
        DefinitionError: text that is not JSON (with its line and column), or a definition that cannot be used.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DefinitionError(f"{source}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})") from exc
    except RecursionError as exc:
        raise DefinitionError(f"{source}: not a programme definition (nested too deeply)") from exc
    return from_dict(data, source=source)


def to_dict(definition: ProgrammeDefinition) -> dict[str, object]:
    """The JSON form of a definition (:func:`from_dict` reads it back to an equal one)."""
    data: dict[str, object] = {
        "format": FORMAT,
        "name": definition.name,
        "financial_year": definition.financial_year,
        "partners": [{"code": p.code, "name": p.name} for p in definition.partners],
        "service_areas": list(definition.services),
    }
    if definition.monitoring != MonitoringPlan():
        data["monitoring"] = plan_to_dict(definition.monitoring)
    return data


def to_text(definition: ProgrammeDefinition) -> str:
    """The definition as the text of ``programme.json`` (UTF-8, indented, one trailing newline)."""
    return json.dumps(to_dict(definition), indent=2, ensure_ascii=False) + "\n"


def from_setup(setup: ProgrammeSetup, *, name: str = "") -> ProgrammeDefinition:
    """The definition of a programme whose lists are ``setup``'s (not checked: see :func:`validated`)."""
    return ProgrammeDefinition(setup.partners, setup.services, name, setup.financial_year)


# --- holding a file to the definition -----------------------------------------------------------


def _start_again(what: str) -> str:
    return (
        f"{what}; the Lists sheet is the programme office's and cannot be changed by a sender: "
        "start again from the template the programme office sent"
    )


def _nearest(text: str, choices: Sequence[str]) -> str:
    """', which differs from the programme's 'X' only in letter case or spaces' when there is such an X."""
    key = " ".join(_normal(text).casefold().split())
    for choice in choices:
        if " ".join(_normal(choice).casefold().split()) == key:
            return f", which differs from the programme's {choice!r} only in letter case or spaces"
    return ""


def _partner_findings(
    definition: ProgrammeDefinition, setup: ProgrammeSetup, where: Callable[[str], Location]
) -> Iterable[Finding]:
    codes = [p.code for p in definition.partners]
    for i, p in enumerate(setup.partners):
        code_cell, name_cell = setup.partner_cell(i)
        ours = definition.partner(p.code)
        if ours is None:
            yield Finding(
                Code.PROGRAMME_PARTNER_ADDED,
                _start_again(
                    f"partner code {p.code!r}{_nearest(p.code, codes)} is not one of the programme's partners "
                    f"({', '.join(codes)})"
                ),
                where(code_cell),
                p.code,
            )
        elif not same_name(p.name, ours.name):
            yield Finding(
                Code.PROGRAMME_NAME_CHANGED,
                _start_again(f"partner {p.code} is named {p.name!r} here but {ours.name!r} in the programme"),
                where(name_cell),
                p.name,
            )


def _service_findings(
    definition: ProgrammeDefinition, setup: ProgrammeSetup, where: Callable[[str], Location]
) -> Iterable[Finding]:
    ours = {_normal(s) for s in definition.services}
    for i, service in enumerate(setup.services):
        if _normal(service) not in ours:
            yield Finding(
                Code.PROGRAMME_SERVICE_ADDED,
                _start_again(
                    f"service area {service!r}{_nearest(service, definition.services)} is not one of the "
                    f"programme's {len(definition.services)} service areas"
                ),
                where(setup.service_cell(i)),
                service,
            )


def list_findings(
    definition: ProgrammeDefinition, setup: ProgrammeSetup, file: str, *, sheet: str = "Lists"
) -> tuple[Finding, ...]:
    """Every partner code, partner name and service area a file's lists add or change, as errors located
    to their cells on ``sheet``; an empty list of partners or of service areas is an error too.

    Names are compared after NFKC normalisation (:func:`same_name`); codes exactly. A list that leaves
    out some of the programme's entries is not an error: every code and service area the file uses is
    checked against its own lists as it is read, so it can only use the programme's.
    """

    def where(cell: str) -> Location:
        return Location(file, sheet, cell)

    found = [*_partner_findings(definition, setup, where), *_service_findings(definition, setup, where)]
    for entries, what in ((setup.partners, "partner codes"), (setup.services, "service areas")):
        if not entries:
            found.append(
                Finding(Code.PROGRAMME_LIST_EMPTY, _start_again(f"the Lists sheet gives no {what}"), where(""))
            )
    return tuple(found)


def assumed(
    setups: Sequence[ProgrammeSetup | None], *, folder: str = ""
) -> tuple[ProgrammeDefinition | None, Finding | None]:
    """With no definition: the lists most of ``setups`` share (the files' Lists sheets), and the warning
    that says so and names the file to add. (None, None) when no setup gives any list.

    A tie goes to the lists of the first setup given (the intake gives them by file name).
    """
    setup, count = most_shared(setups)
    if setup is None:
        return None, None
    total = sum(1 for s in setups if s is not None and (s.partners or s.services))
    place = f" in {folder}" if folder else ""
    warning = Finding(
        Code.PROGRAMME_ASSUMED,
        f"there is no programme definition ({FILE_NAME}){place}: the partners "
        f"({', '.join(p.code for p in setup.partners)}) "
        f"and {len(setup.services)} service areas that {count} of {total} submissions give on their Lists sheets are "
        f"used, and a file whose lists add or change one is rejected; save the programme's {FILE_NAME} (jwmodel "
        "templates writes it beside the templates) with the returns, or name it with --programme FILE",
        NOWHERE,
        count,
    )
    return from_setup(setup), warning


# --- a submission in the programme's terms --------------------------------------------------------


def _renamer(definition: ProgrammeDefinition) -> Callable[[str], str]:
    ours = {_normal(s): s for s in definition.services}

    def rename(service: str) -> str:
        return ours.get(_normal(service), service)

    return rename


def in_programme_terms(
    submission: PartnerReturn | WorkstreamProposal, definition: ProgrammeDefinition
) -> PartnerReturn | WorkstreamProposal:
    """A submission that ``list_findings`` passed, with the programme's own spelling of each service area
    (a name equal to it only after NFKC normalisation becomes it) and, for a return, the programme's
    partner (its name as the programme gives it, not as the cover does)."""
    rename = _renamer(definition)
    if isinstance(submission, MonitoringReturn):  # it names no service area: its lines are the version's
        return submission
    if isinstance(submission, PartnerReturn):
        partner = definition.partner(submission.partner.code) or submission.partner
        baseline = tuple(_entry(e, rename) for e in submission.baseline)
        if partner == submission.partner and baseline == submission.baseline:
            return submission
        return dataclasses.replace(submission, partner=partner, baseline=baseline)
    if all(rename(n) == n for n in _services_of(submission)):
        return submission
    return dataclasses.replace(
        submission,
        service=dataclasses.replace(submission.service, name=rename(submission.service.name)),
        saving_lines=tuple(dataclasses.replace(x, service=rename(x.service)) for x in submission.saving_lines),
        one_off_costs=tuple(dataclasses.replace(x, service=rename(x.service)) for x in submission.one_off_costs),
        drivers=tuple(dataclasses.replace(x, service=rename(x.service)) for x in submission.drivers),
    )


def _entry(entry: BaselineEntry, rename: Callable[[str], str]) -> BaselineEntry:
    name = rename(entry.service)
    return entry if name == entry.service else dataclasses.replace(entry, service=name)


def _services_of(p: WorkstreamProposal) -> Iterable[str]:
    yield p.service.name
    for x in (*p.saving_lines, *p.one_off_costs, *p.drivers):
        yield x.service
