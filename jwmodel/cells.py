"""Turning cell values into figures, strictly: what is accepted is decided here, explicitly.

Numbers may arrive as numbers (python-calamine gives floats) or as text. Text is accepted only in
plain forms finance people type: ``1234``, ``1,234.5``, ``-56``, ``(56)``, ``£1,234`` (ASCII digits
only). Anything else (``nan``, ``inf``, ``1_000``, ``1e3``, other scripts' digits) is refused.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal

from jwmodel.errors import JwmodelError
from jwmodel.figures import MAX_FIGURE, beyond_limit
from jwmodel.money import round_to_pound

__all__ = [
    "CellError",
    "parse_number",
    "parse_percent",
    "is_percent_format",
    "parse_text",
    "parse_date",
    "to_pounds",
    "code_problem",
    "name_problem",
    "text_problem",
]

_NINE_PLACES = Decimal("1e-9")
_NUMBER = re.compile(r"^(?P<neg>-)?£?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?$", re.ASCII)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class CellError(JwmodelError, ValueError):
    """A cell value that is not what the column needs; the message says what to type instead."""


def _from_float(value: float) -> Decimal:
    if not math.isfinite(value):  # nan, inf, -inf
        raise CellError(f"expected a number, got {value!r}")
    # A double carries ~15 significant digits; anything past 9 decimals is binary noise.
    number = Decimal(repr(value))
    return number.quantize(_NINE_PLACES).normalize() if abs(value) < 1e15 else number


def parse_number(value: object) -> Decimal | None:
    """A cell as a Decimal, ``None`` if empty; raises CellError for anything else.

    Raises:
        CellError: not a plain number, or one beyond ``jwmodel.figures.MAX_FIGURE`` in size (10^12 £000s:
            a typed 1e25 or a 1,000-digit number is a slip, and rounding to the pound would fail on it).
    """
    if value.__class__ is float:  # a typed number, as python-calamine gives it: the usual case first
        number = _from_float(value)  # type: ignore[arg-type]
    elif value is None or value == "":
        return None
    elif isinstance(value, bool):
        raise CellError(f"expected a number, got {value}")
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):  # from Python callers and the add-in's own conversions
        if not value.is_finite():
            raise CellError(f"expected a number, got {value}")
        number = value
    elif isinstance(value, float):
        number = _from_float(value)
    elif isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        raise CellError(f"expected a number, got a date or time ({value})")
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        negative = False
        if text.startswith("(") and text.endswith(")"):
            negative, text = True, text[1:-1].strip()
        match = _NUMBER.match(text)
        if not match or (negative and match.group("neg")):
            raise CellError(f"expected a number such as 1234.5, -56 or (56), got {value!r}")
        digits = match.group("int").replace(",", "")
        number = Decimal(digits + ("." + match.group("frac") if match.group("frac") else ""))
        number = -number if negative or match.group("neg") else number
    else:
        raise CellError(f"expected a number, got {value!r}")
    if abs(number) > MAX_FIGURE:
        text = str(value)
        shown = (
            number
            if not isinstance(value, str)
            else repr(value)
            if len(text) <= 40
            else (f"{text[:30]!r}... ({len(text):,} characters)")
        )
        raise CellError(beyond_limit(shown))
    return number


_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # quoted text, an escaped character, [colour] or [>=1]


def is_percent_format(code: str) -> bool:
    """Whether an Excel number format shows the cell's value as a percentage (``0%``, ``0.00%``): a ``%``
    outside quoted text, escapes and brackets. ``0"%"`` shows a whole number with a sign, and is not one."""
    return "%" in _FORMAT_LITERALS.sub("", code or "")


def parse_percent(value: object, *, percent_format: bool = False) -> Decimal | None:
    """A percentage cell as the percentage a person means (25 for 25%), ``None`` if empty.

    The one rule, with no guessing from the size of the figure:

    * text is read as typed, a trailing ``%`` allowed: ``"25%"`` and ``"25"`` are both 25;
    * a number in a cell formatted as a percentage is what Excel shows: 0.25 shows as 25%, so it is 25
      (Excel stores 25 typed into such a cell as 0.25);
    * a number in any other cell is the percentage itself: 25 is 25, and 0.25 is a quarter of one per cent.

    Raises:
        CellError: not a number (as :func:`parse_number`), or text with a ``%`` and no number.
    """
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            number = parse_number(text[:-1].rstrip())
            if number is None:
                raise CellError(f"expected a percentage such as 25 or 25%, got {value!r}")
            return number
        return parse_number(text)
    number = parse_number(value)
    if number is None or not percent_format:
        return number
    scaled = number * 100
    return Decimal(int(scaled)) if scaled == scaled.to_integral_value() else scaled.normalize()  # 100, not 1E+2


def to_pounds(value: Decimal) -> Decimal:
    """A typed figure in £000s to the nearest £1: ``jwmodel.money.round_to_pound`` (halves towards +infinity)."""
    return round_to_pound(value)


def parse_text(value: object) -> str:
    """A cell as stripped text; numbers that are whole come back without '.0'."""
    if value.__class__ is str:  # the usual case first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def parse_date(value: object) -> str:
    """A cell as an ISO date string ('' if empty); accepts dates, serial numbers and ISO text."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):  # a serial number below 1 in a date cell: shown as a time, never as Python
        raise CellError(f"expected a date, got a time of day ({value.isoformat()})")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value <= 2958465:
            raise CellError(f"expected a date, got the number {value}")
        return (_EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError as exc:
            raise CellError(f"expected a date such as 2012-04-01, got {value!r}") from exc
    raise CellError(f"expected a date, got {value!r}")


EXCEL_TEXT_LIMIT = 32_767
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _&.\-]*$", re.ASCII)


def text_problem(text: str) -> str:
    """Why text cannot be used as it is ('' if it can): too long for Excel, or hidden characters."""
    import unicodedata

    if len(text) > EXCEL_TEXT_LIMIT:
        return f"the text is {len(text):,} characters long; Excel's limit is {EXCEL_TEXT_LIMIT:,}"
    for ch in text:
        if ch in "\t\n\r":
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp") or (category == "Zs" and ch != " "):
            return (
                f"the text holds an invisible or control character (U+{ord(ch):04X} "
                f"{unicodedata.name(ch, 'unnamed')}); retype it"
            )
    return ""


def _looks_like(text: str, ch: str, retype: str) -> str:
    """The one sentence for a letter that only looks like a plain one, naming it."""
    import unicodedata

    name = unicodedata.name(ch, "unnamed")
    return (
        f"{text!r} contains {ch!r} ({name}), which only looks like a plain letter; retype {retype} with plain letters"
    )


def code_problem(code: str) -> str:
    """Why a partner code cannot be trusted ('' if it can): lookalike letters, invisible characters."""
    if not (code.isascii() and code.isprintable() and len(code) <= EXCEL_TEXT_LIMIT):  # else nothing hidden or alike
        hidden = text_problem(code)
        if hidden:
            return hidden
        for ch in code:
            if ord(ch) > 127:
                return _looks_like(code, ch, "the code")
    if not _CODE.match(code):
        return f"{code!r} is not a plain code (letters, digits, spaces, & . _ -)"
    return ""


def _script(ch: str) -> str:
    """A letter's script, from its Unicode name ('LATIN', 'CYRILLIC', 'GREEK'...); '' for anything else."""
    import unicodedata

    if unicodedata.category(ch) not in ("Lu", "Ll", "Lt", "Lo"):
        return ""  # digits, spaces, punctuation, marks and modifier letters belong to no one script
    return unicodedata.name(ch, "").split(" ", 1)[0]


def name_problem(name: str) -> str:
    """Why a name from the programme's lists cannot be trusted ('' if it can): invisible characters, or letters
    from two scripts (a Cyrillic 'е' in 'Lеgal Services'), so a lookalike never passes for the real name.

    Accented Latin letters (é, ŵ) are plain; the name is taken in its NFKC form first, so full-width or
    styled Latin letters count as Latin. Codes are stricter still (:func:`code_problem`).
    """
    import unicodedata

    hidden = text_problem(name)
    if hidden:
        return hidden
    letters = [(ch, _script(ch)) for ch in unicodedata.normalize("NFKC", name)]
    scripts = {script for _, script in letters if script}
    if len(scripts) > 1:
        odd = next(ch for ch, script in letters if script and script != ("LATIN" if "LATIN" in scripts else script))
        return _looks_like(name, odd, "the name")
    return ""
