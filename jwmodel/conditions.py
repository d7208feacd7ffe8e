"""Conditions on a line: when it applies, in words a finance officer types in the "Applies if" column.

A condition is read once, here, and evaluated against the participation option in use for the line's
service area (``Condition.holds``). The forms, with keywords in any case:

==============================  =========================================================
typed                           holds when
==============================  =========================================================
``NHDC joins``                  NHDC is one of the option's partners
``NHDC``                        the same (a bare code: how older files name the partner)
``NHDC does not join``          NHDC is not one of the option's partners
``option "EHC, SBC and NHDC"``  the option in use is the one named (``under "..."`` too)
``EHC joins and NHDC joins``    both hold
``NHDC joins or SBC joins``     either holds
``not (...)``                   what is in brackets does not hold
==============================  =========================================================

``not`` binds tightest, then ``and``, then ``or``: ``A joins or B joins and not C joins`` reads as
``A joins or (B joins and (not C joins))``. Brackets group as usual. An option's name is quoted with
straight or curly quotes (Excel's autocorrect types curly ones). Nothing typed is evaluated as code:
a small recursive-descent parser reads the words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from jwmodel.codes import Code
from jwmodel.errors import JwmodelError
from jwmodel.findings import Finding, Location

__all__ = [
    "Condition",
    "ConditionError",
    "Joins",
    "Under",
    "Not",
    "All",
    "AnyOf",
    "Expr",
    "parse_condition",
    "render",
    "unknown_names",
]


class _Option(Protocol):
    """What a condition is evaluated against: a participation option's name and partners."""

    @property
    def name(self) -> str: ...

    @property
    def partners(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class Joins:
    """The partner is one of the option's partners."""

    partner: str


@dataclass(frozen=True, slots=True)
class Under:
    """The option in use is the one named."""

    option: str


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr


@dataclass(frozen=True, slots=True)
class All:
    """Every operand holds (``and``)."""

    operands: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one operand holds (``or``)."""

    operands: tuple[Expr, ...]


Expr = Joins | Under | Not | All | AnyOf


def _holds(expr: Expr, option: _Option) -> bool:
    if isinstance(expr, Joins):
        return expr.partner in option.partners
    if isinstance(expr, Under):
        return expr.option == option.name
    if isinstance(expr, Not):
        return not _holds(expr.operand, option)
    if isinstance(expr, All):
        return all(_holds(x, option) for x in expr.operands)
    return any(_holds(x, option) for x in expr.operands)


def _names(expr: Expr, kind: type) -> frozenset[str]:
    if isinstance(expr, Joins):
        return frozenset({expr.partner}) if kind is Joins else frozenset()
    if isinstance(expr, Under):
        return frozenset({expr.option}) if kind is Under else frozenset()
    if isinstance(expr, Not):
        return _names(expr.operand, kind)
    return frozenset().union(*(_names(x, kind) for x in expr.operands))


@dataclass(frozen=True, slots=True)
class Condition:
    """When a line applies: ``expr`` as read, and ``text`` as typed (quoted in findings; not compared)."""

    expr: Expr
    text: str = field(default="", compare=False)

    def holds(self, option: _Option) -> bool:
        """Whether the line applies under ``option`` (the participation option in use for its service)."""
        return _holds(self.expr, option)

    @property
    def partners(self) -> frozenset[str]:
        """The partner codes it names."""
        return _names(self.expr, Joins)

    @property
    def options(self) -> frozenset[str]:
        """The participation options it names."""
        return _names(self.expr, Under)

    def __str__(self) -> str:
        return self.text or render(self.expr)

    @classmethod
    def joins(cls, partner: str) -> Condition:
        """``PARTNER joins``: the one-partner condition older files hold."""
        return cls(Joins(partner), f"{partner} joins")


class ConditionError(JwmodelError, ValueError):
    """A condition that does not read: the message says where and what was expected."""


# --- rendering ---------------------------------------------------------------------------------

_PRECEDENCE = {AnyOf: 1, All: 2, Not: 3, Joins: 4, Under: 4}


def _quoted(name: str) -> str:
    return f'"{name}"' if '"' not in name else f"'{name}'"


def render(expr: Expr) -> str:
    """The condition in its canonical typed form, which :func:`parse_condition` reads back to ``expr``."""
    if isinstance(expr, Joins):
        return f"{expr.partner} joins"
    if isinstance(expr, Under):
        return f"option {_quoted(expr.option)}"
    if isinstance(expr, Not):
        inner = expr.operand
        if isinstance(inner, Joins):
            return f"{inner.partner} does not join"
        return f"not {_wrapped(inner, 3)}"
    word = " and " if isinstance(expr, All) else " or "
    level = _PRECEDENCE[type(expr)]
    return word.join(_wrapped(x, level + 1) for x in expr.operands)


def _wrapped(expr: Expr, level: int) -> str:
    text = render(expr)
    if isinstance(expr, Not) and isinstance(expr.operand, Joins):
        return text  # "X does not join" is an atom
    return f"({text})" if _PRECEDENCE[type(expr)] < level else text


# --- parsing -----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<open>\() | (?P<close>\)) |
        (?P<quoted>"[^"]*"|'[^']*'|“[^”]*”|‘[^’]*’) |
        (?P<word>[A-Za-z0-9_&\-]+(?:['’]t)?)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # open, close, quoted, word
    text: str
    at: int  # 1-based character position in the text typed


def _tokens(text: str) -> list[_Token]:
    found, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            start = len(text) - len(text[pos:].lstrip())
            raise ConditionError(f"cannot read {text[start : start + 10]!r} at character {start + 1}")
        kind = match.lastgroup or "word"
        value = match.group(kind)
        found.append(_Token(kind, value[1:-1] if kind == "quoted" else value, match.start(kind) + 1))
        pos = match.end()
    return found


_KEYWORDS = {"and", "or", "not", "joins", "join", "does", "doesn't", "doesn’t", "option", "under"}
_EXAMPLES = "e.g. 'NHDC joins', 'NHDC does not join', 'option \"EHC and SBC\"', 'EHC joins and NHDC joins'"


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens, self.i = tokens, 0

    def peek(self, word: str | None = None) -> _Token | None:
        token = self.tokens[self.i] if self.i < len(self.tokens) else None
        if word is not None and (token is None or token.kind != "word" or token.text.lower() != word):
            return None
        return token

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, expected: str) -> ConditionError:
        token = self.peek()
        got = "the end of the text" if token is None else f"{token.text!r} at character {token.at}"
        return ConditionError(f"expected {expected}, got {got}")

    def either(self) -> Expr:
        operands = [self.both()]
        while self.peek("or"):
            self.take()
            operands.append(self.both())
        return operands[0] if len(operands) == 1 else AnyOf(tuple(operands))

    def both(self) -> Expr:
        operands = [self.negated()]
        while self.peek("and"):
            self.take()
            operands.append(self.negated())
        return operands[0] if len(operands) == 1 else All(tuple(operands))

    def negated(self) -> Expr:
        if self.peek("not"):
            self.take()
            return Not(self.negated())
        return self.atom()

    def atom(self) -> Expr:
        token = self.peek()
        if token is None:
            raise self.fail("a condition")
        if token.kind == "open":
            self.take()
            inner = self.either()
            if self.peek() is None or self.peek().kind != "close":  # type: ignore[union-attr]
                raise self.fail("')'")
            self.take()
            return inner
        if self.peek("option") or self.peek("under"):
            self.take()
            name = self.peek()
            if name is None or name.kind != "quoted" or not name.text.strip():
                raise self.fail('an option\'s name in quotes, e.g. option "EHC and SBC"')
            self.take()
            return Under(name.text.strip())
        if token.kind != "word" or token.text.lower() in _KEYWORDS:
            raise self.fail(f"a partner code, 'option', 'not' or '(' ({_EXAMPLES})")
        self.take()
        return self.verb(token.text)

    def verb(self, partner: str) -> Expr:
        if self.peek("joins") or self.peek("join"):
            self.take()
            return Joins(partner)
        if self.peek("doesn't") or self.peek("doesn’t") or self.peek("does"):
            negation = self.take().text.lower() == "does"
            if negation and not self.peek("not"):
                raise self.fail("'not' after 'does'")
            if negation:
                self.take()
            if not (self.peek("join") or self.peek("joins")):
                raise self.fail("'join'")
            self.take()
            return Not(Joins(partner))
        token = self.peek()
        if token is None or token.kind == "close" or self.peek("and") or self.peek("or"):
            return Joins(partner)  # a bare code: the partner joins
        raise self.fail(f"'joins', 'does not join', 'and', 'or' or the end after {partner!r}")


def parse_condition(text: str) -> Condition:
    """The condition ``text`` says, keeping ``text`` as typed.

    Raises:
        ConditionError: it does not read as a condition; the message quotes the text and says what was
            expected where (the reader adds the cell).
    """
    typed = text.strip()
    try:
        tokens = _tokens(typed)
        parser = _Parser(tokens)
        expr = parser.either()
        if parser.peek() is not None:
            raise parser.fail("'and', 'or' or the end")
    except ConditionError as exc:
        raise ConditionError(f"{typed!r} is not a condition: {exc}") from None
    return Condition(expr, typed)


def unknown_names(
    condition: Condition, partners: Sequence[str], options: Sequence[str], label: str, where: Location
) -> list[Finding]:
    """Findings for what the condition names that does not exist, located to its cell (empty when all is known).

    ``partners`` are the programme's (or the file's listed) partner codes and ``options`` the names of
    the line's service area's participation options; an empty sequence is not checked (not known here).
    ``label`` names the line, e.g. "ICT: 'Joint ICT procurement'".
    """
    found = []
    typed = str(condition)
    if partners:
        for code in sorted(condition.partners - set(partners)):
            message = (
                f"{label}: Applies if {typed!r} names partner {code!r}, which is not one of the programme's "
                f"partners ({', '.join(partners)}); the line is not counted"
            )
            found.append(Finding(Code.CONDITION_UNKNOWN_PARTNER, message, where, code))
    if options:
        listed = ", ".join(f'"{o}"' for o in options)
        for name in sorted(condition.options - set(options)):
            message = (
                f'{label}: Applies if {condition.text or render(condition.expr)!r} names option "{name}", which is '
                f"not one of the service area's options ({listed}); the line is not counted"
            )
            found.append(Finding(Code.CONDITION_UNKNOWN_OPTION, message, where, name))
    return found
