"""Inspect a submitted file's bytes before any spreadsheet reader sees them.

python-calamine is fast but can abort the whole process on hostile input, so everything that can be
decided from the package itself is decided here, with the standard library only: what kind of file
it really is (legacy .xls, .xlsb, .ods, CSV or HTML renamed .xlsx, a password-protected file), a
damaged or dangerous zip (truncated, duplicate entries, paths outside the package, unusual
compression), DTDs and entity declarations in any XML part, decompression bombs (caps checked
against the bytes actually inflated), absurd sizes, sheets whose stated dimension lies, cells far
outside the template area, and a shared-strings count that lies.

Every XML part is read by expat, the standard library's streaming parser, which reads any encoding
it declares (UTF-8, UTF-16, ...), fed as the part inflates (memory stays bounded, and a cap stops
the parse the moment it is passed). The parts are found the way python-calamine finds them (the
package relationships name the workbook's folder, paths match whatever their ASCII case) and
elements are matched by local name whatever their prefix, as calamine's XML reader matches them
(the part after the first colon; the namespace a prefix is bound to is not consulted, by it or
here); a cell's position is its ``r`` or, without one, follows the previous cell and row, as
calamine computes it. So the guard sees every cell the reader will see, where the reader will see
it. It also records, per sheet, the facts calamine cannot give: cells holding formula errors,
formulas with no stored result, hidden sheets, rows and columns, merged ranges; and warns of links
to other workbooks, DDE formulas and hidden columns holding data.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from jwmodel.cells import EXCEL_TEXT_LIMIT, is_percent_format
from jwmodel.findings import Finding, Location, Severity, a1

__all__ = ["Limits", "SheetFacts", "Inspection", "inspect_package", "cell_to_rowcol", "part_bytes"]

BUILTIN_PERCENT = frozenset({9, 10})  # "0%" and "0.00%": built-in number formats a file need not spell out
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_REF = re.compile(r"([A-Za-z]*)([0-9]+)\Z")
_COLUMNS: dict[str, int] = {}  # column letters (any case) -> 0-based index, filled as met


class _Locals(dict[str, str]):
    """Element names -> local names as python-calamine's XML reader (quick-xml) takes them: what
    follows the first colon; filled as met (a hit is one C-level lookup)."""

    def __missing__(self, name: str) -> str:
        local = name.split(":", 1)[-1]
        if len(self) < 10_000:
            self[name] = local
        return local


_LOCAL = _Locals()
_POSITIONS: dict[str, tuple[int, int]] = {}  # cell reference -> (row, col), 0-based, filled as met
_ROWS: dict[str, int] = {}  # a row's r -> its 0-based index, filled as met
# Formula text (all linear: no pattern here can backtrack over its input more than once)
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
_QUOTED_NAME = re.compile(r"'(?:[^']|'')*'")
_EXTERNAL_REF = re.compile(r"\[(?:\d+|[^\[\]]*\.xl[a-z]{1,2})\]", re.I)  # [1]Budget!D11, [Book.xlsx]Sheet1!A1
_DDE_CALL = re.compile(r"\bDDE(?:AUTO)?\s*\(", re.I)  # =DDE("app";"topic";"item")
_FORMULA_KEPT = 8_192  # Excel's longest formula; text past it is counted, not kept
_WARNINGS_PER_SHEET = 20  # of one code; then one "and N more" finding
_LINK_PART = re.compile(r"externallinks/externallink\d*\.xml\Z")
_CHUNK = 1 << 16  # bytes inflated and parsed at a time
_QUICK_PART_BYTES = 1 << 20  # a part up to this size is inflated whole and may be checked the quick way

# The quick way through a sheet (_SheetScan.quick): its sheet data as Excel, LibreOffice, XlsxWriter and
# openpyxl write it, matched whole by one linear pattern, so the facts can be taken from it by pattern
# without a Python call per element: rows, each with its r first, and in them cells whose first
# attribute is an upper-case r in that row (no leading zero), each with at most a formula and a value;
# attribute values plain (no & < >). So the last row holding a cell is the last such row.
# Each choice in these patterns is decided by the next byte, so nothing matched is ever given back: the
# repeats are possessive (*+) and a row or cell once matched is atomic ((?>...)), which spares the engine
# the bookkeeping for giving back (0.21 -> 0.14 ms a file of the realistic benchmark's sheets).
_ATTR = rb'[A-Za-z_][A-Za-z0-9_.:-]*+="[^"<>&]*+"'  # a plain attribute: its value with no & < >
_ATTRS = rb"(?: (?!r=)" + _ATTR + rb")*+"
_FORMULA = rb"<f" + _ATTRS + rb"(?:/>|>[^<]*+</f>)"
_PLAIN_CELL = (
    rb'(?><c r="[A-Z]{1,3}(?P=row)"' + _ATTRS + rb"(?:/>|>(?:" + _FORMULA + rb")?+(?:<v>[^<]*+</v>|<v/>)?+</c>))"
)
_PLAIN_ROW = rb'(?><row r="(?P<row>[1-9][0-9]{0,6}+)"' + _ATTRS + rb"(?:/>|>(?:" + _PLAIN_CELL + rb")*+</row>))"
_PLAIN_SHEET_DATA = re.compile(rb"(?:" + _PLAIN_ROW + rb")*+")
_PLAIN_PROLOG = re.compile(
    rb'(?:\xef\xbb\xbf)?(?:<\?xml version="1\.0"(?: encoding="(?:UTF-8|utf-8)")?(?: standalone="(?:yes|no)")?\?>)?'
)
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})')
_FILLED_ROW = re.compile(rb'<row r="([0-9]+)"[^>]*><c ')  # in plain sheet data: a row with a cell
_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]+)"(' + _ATTRS + rb")>"
    rb"(?:<f" + _ATTRS + rb"/>|<f" + _ATTRS + rb">([^<]*)</f>)(?:<v>([^<]*)</v>|(<v/>))?</c>"
)
_KIND = re.compile(rb' t="([^"]*)"')
_MAYBE_OUTSIDE = re.compile(rb"[|\[]|dde", re.I)  # what any warning of _formula_warnings needs in the formula
_ENTITIES = ((b"&lt;", b"<"), (b"&gt;", b">"), (b"&quot;", b'"'), (b"&apos;", b"'"), (b"&amp;", b"&"))


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on what a submission may hold; generous for a return, far below what hurts."""

    max_file_bytes: int = 20_000_000
    max_part_bytes: int = 50_000_000
    max_total_bytes: int = 150_000_000
    max_parts: int = 1_000
    max_cells: int = 500_000
    max_row: int = 10_000  # 1-based: no template needs rows below this
    max_col: int = 60  # 1-based: column BH
    max_area: int = 5_000_000  # stated dimension, rows x columns
    max_shared_strings: int = 500_000
    max_text_chars: int = EXCEL_TEXT_LIMIT  # one text (shared or inline string)


@dataclass(frozen=True, slots=True)
class SheetFacts:
    name: str
    hidden: bool = False
    cells: int = 0
    error_cells: tuple[tuple[str, str], ...] = ()  # (A1, "#REF!")
    formulas_without_result: tuple[str, ...] = ()
    hidden_rows: frozenset[int] = frozenset()  # 0-based row indexes
    last_row: int = 0  # 1-based; 0 when empty
    last_col: int = 0
    merged: tuple[str, ...] = ()  # merged ranges as written, e.g. "B5:D6"
    hidden_columns: frozenset[int] = frozenset()  # 0-based column indexes
    percent_cells: frozenset[tuple[int, int]] = frozenset()  # (row, column), 0-based: formatted as a percentage


@dataclass(frozen=True, slots=True)
class Inspection:
    """What the guard found: the findings, each sheet's facts, and what it read on the way that a
    reader needs again (so no part is parsed twice): each sheet's part, as calamine finds it, and
    the indexes of the cell formats (the styles part's ``cellXfs``) that show a percentage, or None
    when the workbook names no styles part the guard could read."""

    findings: tuple[Finding, ...]
    sheets: tuple[SheetFacts, ...] = field(default=())
    parts: tuple[tuple[str, zipfile.ZipInfo], ...] = ()  # (sheet name, its part's entry in the package)
    percent_styles: frozenset[int] | None = None

    def part(self, name: str) -> zipfile.ZipInfo | None:
        """The package entry of the sheet ``name``'s part (None: no such sheet)."""
        return next((info for sheet, info in self.parts if sheet == name), None)

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def sheet(self, name: str) -> SheetFacts | None:
        return next((s for s in self.sheets if s.name == name), None)


def _column(letters: str) -> int:
    col = _COLUMNS.get(letters)
    if col is None:
        col = 0
        for ch in letters.upper():
            col = col * 26 + (ord(ch) - 64)
        col -= 1
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = col
    return col


def _fold(name: str) -> str:
    """A part name as python-calamine compares it: ASCII letters lower-cased, nothing else changed."""
    folded = _FOLDED.get(name)
    if folded is None:
        if name.isascii():
            folded = name.lower()
        else:
            folded = name.encode("utf-8", "surrogateescape").lower().decode("utf-8", "surrogateescape")
        if len(_FOLDED) < 4_096:  # every file of a programme names the same parts
            _FOLDED[name] = folded
    return folded


_FOLDED: dict[str, str] = {}


def _parse_ref(text: str) -> tuple[int, int] | None:
    """A reference as python-calamine reads it: letters of any case, then digits; (row, col) 0-based.

    The column is -1 when there are no letters; None when calamine would refuse it (no digits, row 0,
    anything else in it). Python integers do not wrap, so a far reference stays far.
    """
    match = _REF.match(text)
    if match is None:
        return None
    row = int(match.group(2)) - 1
    if row < 0:
        return None
    letters = match.group(1)
    return row, (_column(letters) if letters else -1)


def cell_to_rowcol(col_letters: bytes | str, row_digits: bytes | str) -> tuple[int, int]:
    """('B', '12') -> (11, 1): 0-based row and column."""
    letters = col_letters.decode() if isinstance(col_letters, bytes) else col_letters
    digits = row_digits.decode() if isinstance(row_digits, bytes) else row_digits
    return int(digits) - 1, _column(letters)


class _PrologRead(Exception):
    """The root element has begun: a part read only for its prolog (where a DTD would be) is done."""


class _Rejected(Exception):
    def __init__(self, finding: Finding) -> None:
        self.finding = finding


def _reject(code: str, message: str, where: Location) -> _Rejected:
    return _Rejected(Finding(code, message, where))


def _sniff_text(head: bytes) -> str:
    text = head[:4096].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<table" in text[:2048] or b"<html" in text[:2048]:
        return "an HTML page"
    if text.startswith(b"<?xml"):
        return "an XML file (perhaps 'XML Spreadsheet 2003')"
    try:
        decoded = head[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return ""
    if (
        decoded.strip()
        and all(ch.isprintable() or ch in "\r\n\t" for ch in decoded)
        and any(sep in decoded for sep in (",", ";", "\t"))
    ):
        return "a CSV or text file"
    return ""


def inspect_package(data: bytes, file: str, limits: Limits = Limits()) -> Inspection:
    """Decide whether a file is safe and sensible to hand to a spreadsheet reader.

    Args:
        data: the file's bytes.
        file: its name, for the findings' locations.
        limits: the caps to enforce.

    Returns:
        The findings (errors mean the file must not be read) and, for a readable package, the
        facts of each sheet. Never raises for bad input: problems are findings.
    """
    where = Location(file)
    try:
        return _inspect(data, file, limits)
    except _Rejected as rejected:
        return Inspection((rejected.finding,))
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        zipfile.LargeZipFile,
        NotImplementedError,
        ValueError,
        OSError,
    ) as exc:
        return Inspection(
            (
                Finding(
                    "CORRUPT_ZIP",
                    (
                        f"the file is damaged ({type(exc).__name__}: {exc}); it may have been cut short while "
                        "saving or sending: save it again as .xlsx and resend"
                    ),
                    where,
                ),
            )
        )


def _inspect(data: bytes, file: str, limits: Limits) -> Inspection:
    where = Location(file)
    _check_bytes(data, limits, where)
    zf = zipfile.ZipFile(io.BytesIO(data))
    entries = _check_entries(zf, limits, where)
    _check_kind(zf, entries, where)
    return _Package(zf, entries, file, limits, data).inspect()


def _check_bytes(data: bytes, limits: Limits, where: Location) -> None:
    """What the file is, from its first bytes: empty, too large, legacy or encrypted, not a zip."""
    if not data:
        raise _reject(
            "EMPTY_FILE",
            "the file is empty (0 bytes); it may not have finished saving or copying: send it again",
            where,
        )
    if len(data) > limits.max_file_bytes:
        raise _reject(
            "FILE_TOO_LARGE",
            (
                f"the file is {len(data) / 1_000_000:.1f} MB; a return is far smaller (the limit is "
                f"{limits.max_file_bytes // 1_000_000} MB): start again from the template"
            ),
            where,
        )
    if data.startswith(_OLE2):
        if _ENCRYPTED in data:
            raise _reject(
                "PASSWORD_PROTECTED",
                (
                    "the workbook is protected with a password to open: remove the password (File > Info > "
                    "Protect Workbook > Encrypt with Password, clear it), save and resend"
                ),
                where,
            )
        raise _reject(
            "LEGACY_XLS",
            (
                "this is an old-format Excel file (.xls, Excel 97-2003): open it in Excel and save as 'Excel "
                "Workbook (.xlsx)'"
            ),
            where,
        )
    if not data.startswith(b"PK"):
        kind = _sniff_text(data)
        if kind:
            raise _reject(
                "NOT_A_WORKBOOK",
                (
                    f"this is {kind} renamed as .xlsx, not an Excel workbook: open it in Excel and save as "
                    "'Excel Workbook (.xlsx)' from the template"
                ),
                where,
            )
        raise _reject(
            "NOT_A_WORKBOOK",
            "this file is not an Excel workbook (.xlsx): save the return from the template as 'Excel Workbook (.xlsx)'",
            where,
        )


@functools.lru_cache(maxsize=4096)  # every file of a programme names the same parts
def _unsafe_path(name: str) -> bool:
    return (
        name.startswith(("/", "\\"))
        or "\\" in name
        or re.match(r"^[A-Za-z]:", name) is not None
        or "\x00" in name
        or ".." in posixpath.normpath(name).split("/")
        or ".." in name.split("/")
    )


def _check_entries(zf: zipfile.ZipFile, limits: Limits, where: Location) -> dict[str, zipfile.ZipInfo]:
    """The package's entries by lower-cased name (readers match names whatever their case)."""
    infos = zf.infolist()
    if len(infos) > limits.max_parts:
        raise _reject(
            "TOO_MANY_PARTS", f"the package has {len(infos)} parts; a workbook from the template has about 20", where
        )
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if _fold(name) in entries:
            raise _reject(
                "DUPLICATE_ENTRY",
                f"the package holds '{name}' twice; a genuine workbook never does: save it again from Excel",
                where,
            )
        entries[_fold(name)] = info
        if _unsafe_path(name):
            raise _reject(
                "UNSAFE_PATH",
                f"the package has a part with an unsafe path ('{name}'); a genuine workbook never does",
                where,
            )
        if info.flag_bits & 0x1:
            raise _reject(
                "PASSWORD_PROTECTED", "parts of the package are encrypted: remove any password, save and resend", where
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _reject(
                "UNSUPPORTED_COMPRESSION",
                (
                    f"the part '{name}' uses a compression method ({info.compress_type}) that Excel does not "
                    "write: save it again from Excel"
                ),
                where,
            )
    return entries


def _check_kind(zf: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], where: Location) -> None:
    """A zip that is another kind of document: .xlsb, .ods, macros, or a package missing its core."""
    if "xl/workbook.bin" in entries:
        raise _reject(
            "XLSB",
            "this is an Excel Binary Workbook (.xlsb): open it in Excel and save as 'Excel Workbook (.xlsx)'",
            where,
        )
    if "mimetype" in entries or "content.xml" in entries:
        mimetype = zf.read(entries["mimetype"])[:100] if "mimetype" in entries else b""
        if b"spreadsheet" in mimetype or "content.xml" in entries:
            raise _reject(
                "ODS",
                "this is an OpenDocument spreadsheet (.ods): save it as 'Excel 2007-365 (.xlsx)' from the template",
                where,
            )
    if any(name.rpartition("/")[2] == "vbaproject.bin" for name in entries):
        raise _reject(
            "MACRO_ENABLED",
            (
                "the workbook contains macros (VBA); macros are never run or copied: save it as 'Excel "
                "Workbook (.xlsx)', which removes them, and resend"
            ),
            where,
        )
    for required in ("[Content_Types].xml", "_rels/.rels"):
        if _fold(required) not in entries:
            raise _reject(
                "MISSING_PART",
                f"the package has no '{required}', so it is not a complete workbook: save it again from Excel as .xlsx",
                where,
            )


# --- parsing one part ------------------------------------------------------------------------


class _Handler:
    """What a part's parse calls: element starts and ends, by local name."""

    literal_only = False  # refuse any & (entity or character reference) in the part

    def start(self, local: str, attrs: dict[str, str]) -> None:
        pass

    def end(self, local: str) -> None:
        pass

    def bind(self, parser: expat.XMLParserType) -> None:
        parser.StartElementHandler = lambda name, attrs: self.start(_LOCAL[name], attrs)
        parser.EndElementHandler = lambda name: self.end(_LOCAL[name])


class _Parse:
    """One part through expat: DTDs refused whatever the encoding, inflated bytes counted as read."""

    def __init__(self, package: _Package, info: zipfile.ZipInfo) -> None:
        self.package, self.info = package, info
        parser = expat.ParserCreate()  # names as written: matched as calamine matches them
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._dtd
        parser.EntityDeclHandler = self._dtd
        parser.buffer_text = True
        self.parser = parser
        self.prolog_read = False

    def _dtd(self, *_: object) -> None:
        raise _reject(
            "XML_DTD",
            (
                f"the part {self.info.filename} declares a DTD or entities (<!DOCTYPE or <!ENTITY); Excel "
                "never writes these and they can be used to attack readers: save it again from Excel"
            ),
            self.package.where,
        )

    def run(self, handler: _Handler | None, data: bytes | None = None) -> None:
        """Parse the part with ``handler``; with None, only its prolog (a DTD can be nowhere else:
        no DTD, no entity) while every byte is still inflated and counted. ``data``: the part's
        bytes, already inflated and counted by :meth:`inflate`."""
        parser = self.parser
        if handler is not None:
            handler.bind(parser)
        else:
            parser.StartElementHandler = self._root
        literal_only = handler is not None and handler.literal_only
        pieces = self.inflate() if data is None else (data[i : i + _CHUNK] for i in range(0, len(data), _CHUNK))
        for chunk in pieces:
            if literal_only and b"&" in chunk:
                raise _reject(
                    "CORRUPT_XML",
                    (
                        f"the part {self.info.filename} writes a relationship with an escaped character "
                        "(&...;), which readers take in different ways; a genuine workbook never does: "
                        "save it again from Excel"
                    ),
                    self.package.where,
                )
            self._parse(chunk, False)
        self._parse(b"", True)

    def inflate(self) -> Iterator[bytes]:
        """The part's bytes as they inflate, each counted against the caps before it is used."""
        package, limits = self.package, self.package.limits
        size = 0
        with package.zf.open(self.info) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                package.inflated += len(chunk)
                if size > limits.max_part_bytes or package.inflated > limits.max_total_bytes:
                    raise _reject(
                        "DECOMPRESSION_BOMB",
                        (
                            f"the part {self.info.filename} inflates to more than "
                            f"{limits.max_part_bytes // 1_000_000} MB (or the whole file to more than "
                            f"{limits.max_total_bytes // 1_000_000} MB); a return is far smaller: start again "
                            "from the template"
                        ),
                        package.where,
                    )
                yield chunk

    def feed(self, data: bytes, final: bool = False) -> None:
        """Part of the part's bytes (already inflated and counted) to the parser."""
        self._parse(data, final)

    @staticmethod
    def _root(name: str, attrs: dict[str, str]) -> None:
        raise _PrologRead

    def _parse(self, chunk: bytes, final: bool) -> None:
        if self.prolog_read:
            return
        try:
            self.parser.Parse(chunk, final)
        except _PrologRead:
            self.prolog_read = True
        except (
            expat.ExpatError,
            LookupError,
            ValueError,
        ) as exc:  # LookupError, ValueError: an encoding expat cannot read
            raise _reject(
                "CORRUPT_XML",
                (
                    f"the part {self.info.filename} is not well-formed XML ({type(exc).__name__}: {exc}); "
                    "save it again from Excel as .xlsx"
                ),
                self.package.where,
            ) from exc


class _Relationships(_Handler):
    """Relationship elements inside the first Relationships element (calamine stops at its end).

    calamine takes a relationship's Id and Target as written, without resolving ``&...;``, while
    expat resolves them; so a relationships part holding ``&`` is refused rather than read two ways.
    """

    literal_only = True

    def __init__(self) -> None:
        self.state = 0  # 0 before, 1 inside, 2 after the first Relationships
        self.items: list[dict[str, str]] = []

    def start(self, local: str, attrs: dict[str, str]) -> None:
        if self.state == 0 and local == "Relationships":
            self.state = 1
        elif self.state == 1 and local == "Relationship":
            self.items.append(attrs)

    def end(self, local: str) -> None:
        if self.state == 1 and local == "Relationships":
            self.state = 2


class _ContentTypes(_Handler):
    def __init__(self) -> None:
        self.types: list[str] = []

    def start(self, local: str, attrs: dict[str, str]) -> None:
        if "ContentType" in attrs:
            self.types.append(attrs["ContentType"])


class _Workbook(_Handler):
    """Sheets (name, hidden, relationship id) as calamine lists them, until the workbook's end."""

    def __init__(self) -> None:
        self.done = False
        self.sheets: list[tuple[str, bool, str]] = []

    def start(self, local: str, attrs: dict[str, str]) -> None:
        if self.done or local != "sheet":
            return
        rid = ""
        for key, value in attrs.items():
            if key == "id" or key.endswith(":id"):  # as calamine: id whatever its prefix, the last one
                rid = value
        self.sheets.append((attrs.get("name", ""), attrs.get("state", "visible") != "visible", rid))

    def end(self, local: str) -> None:
        if local == "workbook":
            self.done = True


class _SharedStrings(_Handler):
    """The declared count, the strings counted, and the index of any text over the cap."""

    def __init__(self, package: _Package, name: str) -> None:
        self.package, self.name = package, name
        self.declared: str | None = None
        self.seen_sst = False
        self.count = 0
        self.length = 0  # characters of the current string so far
        self.too_long: dict[int, int] = {}  # index -> characters

    def bind(self, parser: expat.XMLParserType) -> None:
        parser.StartElementHandler = self.element_start
        if self.package.entries[_fold(self.name)].file_size > self.package.limits.max_text_chars:
            parser.CharacterDataHandler = self.text  # else no string can pass the cap: zipfile inflates
            # no more than the size the entry states, and a character takes at least a byte

    def element_start(self, name: str, attrs: dict[str, str]) -> None:
        local = _LOCAL[name]
        if local == "si":
            self.string_ends()
            self.count += 1
            if self.count > self.package.limits.max_shared_strings:
                raise _reject(
                    "TOO_MANY_STRINGS",
                    (
                        f"the workbook holds more than {self.package.limits.max_shared_strings:,} distinct "
                        "texts; a return has a few hundred"
                    ),
                    self.package.where,
                )
        elif local == "sst" and not self.seen_sst:
            self.seen_sst = True
            self.declared = attrs.get("uniqueCount")
            self.package.check_declared_strings(self.declared)

    def text(self, data: str) -> None:
        self.length += len(data)

    def quick(self, parse: _Parse, data: bytes) -> bool:
        """The count of si elements and the first sst's uniqueCount with no Python call per element: expat
        hands each start to a dict's setdefault (the first attributes of each name) and each end to a
        list's append. Only for a part too small to hold a text over the cap; False when a cap is passed
        (the full parse says which, where)."""
        limits = self.package.limits
        if parse.info.file_size > limits.max_text_chars:
            return False
        first: dict[str, dict[str, str]] = {}
        ends: list[str] = []
        parse.parser.StartElementHandler = first.setdefault
        parse.parser.EndElementHandler = ends.append
        parse.feed(data, True)
        sst = next((attrs for name, attrs in first.items() if _LOCAL[name] == "sst"), None)
        self.seen_sst = sst is not None
        self.declared = sst.get("uniqueCount") if sst is not None else None
        self.count = sum(n for name, n in Counter(ends).items() if _LOCAL[name] == "si")
        declared = self.declared
        too_many = (
            declared is not None
            and declared.isascii()
            and declared.isdigit()
            and int(declared) > limits.max_shared_strings
        )
        return self.count <= limits.max_shared_strings and not too_many

    def string_ends(self) -> None:
        """The string before this point is complete: its length against the cap (text between two
        strings counts with it, so the check is never more lenient than the reader)."""
        if self.count and self.length > self.package.limits.max_text_chars:
            self.too_long[self.count - 1] = self.length
        self.length = 0


class _Styles(_Handler):
    """The styles part's number formats: each custom format's code, and each cell format's (cellXfs) format."""

    def __init__(self) -> None:
        self.codes: dict[int, str] = {}
        self.formats: list[int] = []
        self.in_cell_formats = False  # the last list of formats begun is cellXfs (not cellStyleXfs)

    def start(self, local: str, attrs: dict[str, str]) -> None:
        if local == "xf":
            if self.in_cell_formats:
                self.formats.append(_index(attrs.get("numFmtId", "0")))
        elif local == "numFmt":
            self.codes[_index(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
        elif local in ("cellXfs", "cellStyleXfs"):
            self.in_cell_formats = local == "cellXfs"

    def percent(self) -> frozenset[int]:
        """The indexes of the cell formats whose number format shows a percentage."""
        return frozenset(
            i
            for i, fmt in enumerate(self.formats)
            if fmt in BUILTIN_PERCENT or is_percent_format(self.codes.get(fmt, ""))
        )


def _index(text: str) -> int:
    """A numFmtId, or a cell's style index (``s``), as written; one that is not a number names none (-1)."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1


def _styles_part(base: str, relationships: list[dict[str, str]]) -> str | None:
    """The styles part the workbook's relationships name (resolved against the workbook's folder), if any."""
    for r in relationships:
        if r.get("Type", "").endswith("/styles") and r.get("TargetMode") != "External":
            target = r.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
    return None


class _Package:
    def __init__(
        self, zf: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], file: str, limits: Limits, data: bytes = b""
    ) -> None:
        self.zf, self.entries, self.file, self.limits, self.data = zf, entries, file, limits, data
        self.where = Location(file)
        self.inflated = 0
        self.parsed: set[str] = set()
        self.findings: list[Finding] = []
        self.long_strings: dict[int, int] = {}
        self.sheet_parts: dict[str, SheetFacts] = {}  # folded part name -> its facts
        self.styles_part: str | None = None  # as the workbook's relationships name it
        self.percent: frozenset[int] | None = None  # the cell formats showing a percentage, once read
        self.limits_key = tuple(getattr(limits, f.name) for f in dataclasses.fields(limits))  # hashed at once
        self.again: set[int] = set()  # the parts' bytes (by id) inflated from a stream met in an earlier file

    def parse(self, name: str, handler: _Handler | None) -> None:
        """Parse the part with ``handler`` (None: its prolog only); a part parsed before in this process,
        with the same bytes, caps and kind of handler, is inflated and counted but not parsed again."""
        info = self.entries[_fold(name)]
        data = self.whole(name) if handler is None or isinstance(handler, _PURE_HANDLERS) else None
        if data is None:
            self.parsed.add(_fold(name))
            _Parse(self, info).run(handler)
            return
        if id(data) not in self.again:  # not met before: parsed, and not remembered until it is met again
            _Parse(self, info).run(handler, data)
            return
        key = (type(handler), handler.literal_only if handler is not None else None, self.limits_key, data)
        known = _KNOWN.recall(key)
        if known is None:
            _Parse(self, info).run(handler, data)
            _KNOWN.keep(key, dict(vars(handler)) if handler is not None else {}, len(data))
        elif handler is not None:
            vars(handler).update(known)  # what the parse left in the handler: read, never changed

    def whole(self, name: str) -> bytes | None:
        """The part's bytes, inflated and counted, when it is small enough to hold (see _QUICK_PART_BYTES)
        and no cap can be passed while it inflates (zipfile inflates no more than the size the entry
        states); else None, and it is to be parsed as it inflates."""
        info, limits = self.entries[_fold(name)], self.limits
        if info.file_size > min(_QUICK_PART_BYTES, limits.max_part_bytes):
            return None
        if self.inflated + info.file_size > limits.max_total_bytes:
            return None
        self.parsed.add(_fold(name))
        found = _at_once(self.data, info)
        if found is None:
            return b"".join(_Parse(self, info).inflate())
        whole, again = found
        if again:
            self.again.add(id(whole))  # (the object is held by _INFLATED, so its id stays its own meanwhile)
        self.inflated += len(whole)
        return whole

    def either_way(
        self, name: str, quick: Callable[[_Parse, bytes], bool], handler: Callable[[], _Handler], data: bytes | None
    ) -> None:
        """Parse a part the quick way where ``quick`` can tell all it must, else with ``handler()``'s handler.

        ``quick`` is given a fresh parse and the whole part (``data``, from :meth:`whole`; None: the
        part is parsed in full as it inflates), and answers True when it has told all a full parse
        would; False, or any rejection it meets, and whatever it found is dropped and the part is
        parsed in full, so what is found never depends on which way was taken.
        """
        if data is not None:
            kept = len(self.findings)
            try:
                if quick(_Parse(self, self.entries[_fold(name)]), data):
                    return
            except _Rejected:
                pass
            del self.findings[kept:]
            _Parse(self, self.entries[_fold(name)]).run(handler(), data)
        else:
            self.parse(name, handler())

    def inspect(self) -> Inspection:
        base = self._workbook_folder()
        self._check_content_types()
        sheets = self._sheets(base)
        self._shared_strings(base)
        percent = self.percent = self._percent_styles()
        facts = tuple(self._sheet(name, hidden, path) for name, hidden, path in sheets)
        self._long_strings_left()
        self._other_parts()
        parts = tuple((name, self.entries[_fold(path)]) for name, _, path in sheets)
        return Inspection(tuple(self.findings), facts, parts, percent)

    def _percent_styles(self) -> frozenset[int] | None:
        """The cell formats showing a percentage, from the styles part the workbook's relationships name
        (parsed here in place of its prolog alone: every check of a part is made either way)."""
        if self.styles_part is None or _fold(self.styles_part) not in self.entries:
            return None
        styles = _Styles()
        self.parse(self.entries[_fold(self.styles_part)].filename, styles)
        return styles.percent()

    def _missing(self, message: str) -> _Rejected:
        return _reject("MISSING_PART", message, self.where)

    def _workbook_folder(self) -> str:
        """The folder calamine reads the workbook from: the officeDocument relationship's target's."""
        rels = _Relationships()
        self.parse("_rels/.rels", rels)
        targets = [
            r.get("Target", "") for r in rels.items if r.get("Type", "").endswith("/relationships/officeDocument")
        ]
        if not targets:
            raise self._missing(
                "the package does not say where its workbook is (no officeDocument relationship in "
                "'_rels/.rels'): save it again from Excel as .xlsx"
            )
        if len(targets) > 1:
            raise self._missing(
                f"the package names {len(targets)} workbooks (officeDocument relationships in "
                "'_rels/.rels'); a genuine workbook names one: save it again from Excel as .xlsx"
            )
        target = targets[0]
        cut = target.rfind("/")
        base = target[: cut + 1].removeprefix("/") if cut >= 0 else ""
        if _fold(f"{base}workbook.xml") not in self.entries:
            raise self._missing(
                f"the package has no '{base}workbook.xml', so it is not a complete workbook: save it "
                "again from Excel as .xlsx"
            )
        return base

    def _check_content_types(self) -> None:
        types = _ContentTypes()
        self.parse("[Content_Types].xml", types)
        if any("macroEnabled" in t or "vbaProject" in t for t in types.types):
            raise _reject(
                "MACRO_ENABLED",
                (
                    "the workbook is macro-enabled (.xlsm); macros are never run or copied: save it as "
                    "'Excel Workbook (.xlsx)' and resend"
                ),
                self.where,
            )

    def _sheets(self, base: str) -> list[tuple[str, bool, str]]:
        """(name, hidden, part) for each sheet, the part found as calamine finds it."""
        workbook = _Workbook()
        self.parse(f"{base}workbook.xml", workbook)
        rels_name = f"{base}_rels/workbook.xml.rels"
        if _fold(rels_name) not in self.entries:
            raise self._missing(
                f"the package has no '{rels_name}', so its sheets cannot be found: save it again from Excel"
            )
        rels = _Relationships()
        self.parse(rels_name, rels)
        targets = {r["Id"]: r.get("Target", "") for r in rels.items if "Id" in r}
        self.styles_part = _styles_part(base, rels.items)
        if len(targets) < sum(1 for r in rels.items if "Id" in r):
            raise self._missing(
                f"the part {rels_name} gives two relationships one Id, so its sheets cannot be found for "
                "certain: save it again from Excel"
            )
        sheets = []
        for name, hidden, rid in workbook.sheets:
            target = targets.get(rid)
            path = None if target is None else target[1:] if target.startswith("/") else base + target
            if path is None or _fold(path) not in self.entries:
                raise self._missing(
                    f"the sheet '{name}' is listed but its part ({path or 'no target'}) is missing: save "
                    "it again from Excel"
                )
            sheets.append((name, hidden, path))
        return sheets

    def check_declared_strings(self, declared: str | None) -> None:
        if declared is not None and declared.isascii() and declared.isdigit():
            if int(declared) > self.limits.max_shared_strings:
                raise _reject(
                    "TOO_MANY_STRINGS",
                    f"the workbook declares {int(declared):,} distinct texts; a return has a few hundred",
                    self.where,
                )

    def _shared_strings(self, base: str) -> None:
        name = f"{base}sharedStrings.xml"
        if _fold(name) not in self.entries:
            return
        found = [_SharedStrings(self, name)]

        def fresh() -> _SharedStrings:
            found[0] = _SharedStrings(self, name)
            return found[0]

        self.either_way(name, found[0].quick, fresh, self.whole(name))
        sst = found[0]
        sst.string_ends()
        if sst.declared is not None and sst.declared.isascii() and sst.declared.isdigit():
            if int(sst.declared) > sst.count:
                raise _reject(
                    "SHARED_STRINGS_MISMATCH",
                    (
                        f"the workbook says it holds {int(sst.declared):,} distinct texts but holds "
                        f"{sst.count:,}; a genuine workbook never does: save it again from Excel"
                    ),
                    self.where,
                )
        self.long_strings = dict(sst.too_long)

    def _sheet(self, name: str, hidden: bool, path: str) -> SheetFacts:
        """A sheet's facts; a part read before in another role (the workbook, say) is read again as a
        sheet, since that is how the reader will read it; two sheets naming one part share its facts."""
        seen = self.sheet_parts.get(_fold(path))
        if seen is not None:
            return dataclasses.replace(seen, name=name, hidden=hidden)
        data = self.whole(path)
        remember = data is not None and id(data) in self.again and not self.long_strings
        key = (_SheetScan, self.limits_key, self.percent, data) if remember else None
        known = _KNOWN.recall(key) if key is not None else None
        if known is not None:  # the same bytes, parsed before without a finding
            facts = self.sheet_parts[_fold(path)] = dataclasses.replace(known, name=name, hidden=hidden)
            return facts
        found = [_SheetScan(self, name)]

        def fresh() -> _SheetScan:
            found[0] = _SheetScan(self, name)
            return found[0]

        kept = len(self.findings)
        self.either_way(path, found[0].quick, fresh, data)
        facts = self.sheet_parts[_fold(path)] = found[0].facts(hidden)
        if key is not None and len(self.findings) == kept:
            _KNOWN.keep(key, facts, len(data))  # type: ignore[arg-type]
        return facts

    def _long_strings_left(self) -> None:
        """A shared text over the cap that no cell shows is still read into memory: refused too."""
        for index, length in self.long_strings.items():
            self.findings.append(
                Finding(
                    "BAD_TEXT",
                    (
                        f"the workbook holds a text of {length:,} characters (shared text {index + 1}); "
                        f"Excel's limit is {self.limits.max_text_chars:,}: shorten it, or copy your figures "
                        "into a fresh template"
                    ),
                    self.where,
                )
            )

    def _other_parts(self) -> None:
        """Every other XML part: no DTD in its prolog, whatever the encoding; inflated within the caps;
        links to other workbooks warned of."""
        for lowered, info in self.entries.items():
            if lowered in self.parsed or info.is_dir() or not lowered.endswith(_XML_SUFFIXES):
                continue
            self.parse(info.filename, None)
            if _LINK_PART.search(lowered):
                self.findings.append(
                    Finding(
                        "EXTERNAL_LINK",
                        (
                            f"the workbook links to another workbook{self._link_target(info.filename)}; "
                            "figures are read as saved in this file, never updated from it: break the link "
                            "(Data > Edit Links > Break Link) so what you send is what you see"
                        ),
                        self.where,
                    )
                )

    def _link_target(self, part: str) -> str:
        folder, _, leaf = part.rpartition("/")
        rels_name = f"{folder}/_rels/{leaf}.rels"
        if _fold(rels_name) not in self.entries:
            return ""
        rels = _Relationships()
        rels.literal_only = False  # a link's target is only shown: a file named R&D.xlsx is fine
        self.parse(rels_name, rels)
        targets = [r.get("Target", "") for r in rels.items if r.get("Target")]
        return f" ({targets[0][:200]})" if targets else ""


class _Known:
    """What parsing a part told, by its bytes and how it was parsed, for the parts this process has
    parsed without a finding. Every file of a programme carries the same styles, theme, relationships,
    tables, Instructions and Lists sheets: each is parsed once; every byte of every file is still
    inflated and counted against the caps, and a part that differs in one byte is parsed in full.
    Bounded: parts up to 64 kB, 4 MB in all (then forgotten and started again)."""

    PART = 1 << 16
    TOTAL = 1 << 22

    def __init__(self) -> None:
        self.told: dict[tuple[object, ...], object] = {}
        self.size = 0

    def recall(self, key: tuple[object, ...]) -> object | None:
        return self.told.get(key)

    def keep(self, key: tuple[object, ...], told: object, size: int) -> None:
        if size > self.PART:
            return
        if self.size + size > self.TOTAL:
            self.told.clear()
            self.size = 0
        self.told[key] = told
        self.size += size


_KNOWN = _Known()


class _Inflated:
    """A part's deflated stream, inflated once in this process: inflating is deterministic, so the same
    stream with the same stated size and CRC-32 (checked when it was first inflated) gives the same bytes.
    Every file of a programme carries the same theme, styles, relationships and fixed sheets, deflated
    alike; each is still counted against the caps as if inflated again. The very same bytes object is
    handed out each time, so the parts' memory (_KNOWN), keyed by those bytes, finds them with their hash
    already worked out, and is asked only about streams met before. Bounded: streams up to 64 kB, 4 MB
    in all; past that, those met only once are forgotten (then all, if that is not enough)."""

    PART = _Known.PART
    TOTAL = _Known.TOTAL

    def __init__(self) -> None:
        self.streams: dict[tuple[int, int], tuple[bytes, bytes]] = {}  # (size, CRC-32) -> (deflated, inflated)
        self.recurring: set[tuple[int, int]] = set()  # the streams met more than once
        self.size = 0

    def inflate(self, raw: bytes, info: zipfile.ZipInfo) -> tuple[bytes, bool] | None:
        """The stream inflated (None: not to the stated size and CRC-32), and whether it was met before."""
        key = (info.file_size, info.CRC)
        met = self.streams.get(key)
        if met is not None and met[0] == raw:
            self.recurring.add(key)
            return met[1], True
        whole = _inflate(raw, info)
        if whole is None:
            return None
        self._keep(key, raw, whole)
        return whole, False

    def _keep(self, key: tuple[int, int], raw: bytes, whole: bytes) -> None:
        size = len(raw) + len(whole)
        if size > self.PART or key in self.streams:
            return
        if self.size + size > self.TOTAL:
            self.streams = {k: v for k, v in self.streams.items() if k in self.recurring}
            self.size = sum(len(a) + len(b) for a, b in self.streams.values())
            if self.size + size > self.TOTAL:
                self.streams.clear()
                self.size = 0
            self.recurring.intersection_update(self.streams)
        self.streams[key] = (raw, whole)
        self.size += size


_INFLATED = _Inflated()
_PURE_HANDLERS = (_Relationships, _ContentTypes, _Workbook, _Styles)  # what they tell depends on the part's bytes alone


# --- one worksheet ---------------------------------------------------------------------------


class _SheetScan(_Handler):
    """A worksheet's cells as calamine walks them, with the caps checked as each cell is met.

    Mirrors calamine's cell reader: before the first ``sheetData`` it notes ``dimension`` (and here
    ``col``); inside it, a ``row`` start with ``r`` sets the row, a row end moves to the next row
    and the first column; a ``c`` is at its ``r`` (which sets the column; the row stays) or, without
    one, at the current row and column; each cell moves the column on by one. It stops at the first
    ``sheetData`` end. Merged ranges are noted wherever they are.
    """

    def __init__(self, package: _Package, name: str) -> None:
        self.package, self.name, self.limits = package, name, package.limits
        self.max_row, self.max_col, self.max_cells = self.limits.max_row, self.limits.max_col, self.limits.max_cells
        self.where = Location(package.file, name)
        self.state = 0  # 0 before sheetData, 1 inside, 2 after
        self.row = self.col = 0  # calamine's row_index and col_index (0-based)
        self.depth = 0  # element depth inside the current cell; 0 when not in one
        self.count = 0
        self.last_row = self.last_col = 0  # 1-based
        self.stated: tuple[int, int] | None = None  # the dimension's last cell, 1-based
        self.hidden_rows: set[int] = set()
        self.hidden_columns: set[int] = set()
        self.merged: list[str] = []
        self.errors: list[tuple[str, str]] = []
        self.no_result: list[str] = []
        self.hidden_data: dict[int, str] = {}  # hidden column -> first cell holding data
        self.cell_at = (0, 0)  # the current cell's position
        self.kind: str | None = None  # the current cell's t=""
        self._cell: _Cell | None = None  # the current cell, when more than its position matters
        self.ends: list[str] = []  # element ends not yet applied
        self.warned: dict[str, int] = {}  # warnings by code
        self.watch_strings = bool(package.long_strings)  # shared texts over the cap: find the cells showing them
        self.percent_styles = package.percent or frozenset()  # cell formats showing a percentage
        self.percent: list[tuple[int, int]] = []  # the cells formatted with one of them
        self.parser: expat.XMLParserType | None = None

    def bind(self, parser: expat.XMLParserType) -> None:
        self.parser = parser
        parser.StartElementHandler = self.element_start
        parser.EndElementHandler = self.ends.append  # C level: applied, in order, at the next start

    # The parse calls these (raw names: this is the hot path); each hands the element to its job.
    def element_start(self, name: str, attrs: dict[str, str]) -> None:
        ends = self.ends
        if ends:
            if self._cell is None and len(ends) == self.depth:  # a plain cell has ended: the usual case
                self.depth = 0
                self.col += 1
                ends.clear()
            else:
                self.apply_ends()
        depth = self.depth
        if depth:
            self.depth = depth + 1
            if depth == 1 and (self._cell is not None or self.hidden_columns or (name != "v" and _LOCAL[name] != "v")):
                self._child(_LOCAL[name])
            return
        local = _LOCAL[name]
        if self.state == 1:
            if local == "c":
                self._start_cell(attrs)
            elif local == "row":
                self._start_row(attrs)
        elif local == "sheetData" and self.state == 0:
            self.state = 1
        elif local == "mergeCell":
            self.merged.append(attrs.get("ref", ""))
        elif self.state == 0:
            if local == "dimension":
                self._dimension(attrs.get("ref"))
            elif local == "col":
                self._col(attrs)

    def apply_ends(self) -> None:
        """The element ends recorded since the last start, applied in order as calamine would."""
        for name in self.ends:
            depth = self.depth
            if depth:
                self.depth = depth - 1
                if depth == 1:
                    self.col += 1
                    if self._cell is not None:
                        self._end_cell()
                elif depth == 2 and self._cell is not None:
                    self._cell.mode = ""
            elif self.state == 1:
                local = _LOCAL[name]
                if local == "row":
                    self.row += 1
                    self.col = 0
                elif local == "sheetData":
                    self.state = 2
        self.ends.clear()

    def text(self, data: str) -> None:
        if self.ends:
            self.apply_ends()
        if self._cell is not None:
            self._cell.text(data)

    # --- the jobs -------------------------------------------------------------------------------

    def _bad_reference(self, what: str, ref: str) -> _Rejected:
        return _reject(
            "CORRUPT_XML",
            (
                f"{what} has the reference {ref[:40]!r}, which is not a cell address; a genuine workbook "
                "never does: save it again from Excel"
            ),
            self.where,
        )

    def _dimension(self, ref: str | None) -> None:
        if ref is None:
            return
        corners = [_parse_ref(part) for part in ref.split(":")]
        if not 1 <= len(corners) <= 2 or any(c is None or c[1] < 0 for c in corners):
            return  # calamine refuses the sheet; nothing it reads depends on this
        (r1, c1), (r2, c2) = corners[0], corners[-1]  # type: ignore[misc]
        area = (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)
        if area > self.limits.max_area:
            raise _reject(
                "DIMENSION_TOO_LARGE",
                (
                    f"the sheet says it spans {area:,} cells ({ref}); readers would reserve memory for all of "
                    "them: delete the unused rows and columns, or copy your figures into a fresh template"
                ),
                self.where,
            )
        self.stated = (max(r1, r2) + 1, max(c1, c2) + 1)

    def _col(self, attrs: dict[str, str]) -> None:
        if attrs.get("hidden") not in ("1", "true"):
            return
        low, high = attrs.get("min", ""), attrs.get("max", "")
        if low.isascii() and low.isdigit() and high.isascii() and high.isdigit():
            first, last = int(low), min(int(high), self.limits.max_col)
            self.hidden_columns.update(range(first - 1, last))

    def _start_row(self, attrs: dict[str, str]) -> None:
        ref = attrs.get("r")
        if ref is not None:
            row = _ROWS.get(ref)
            if row is None:
                parsed = _parse_ref(ref)
                if parsed is None:
                    raise self._bad_reference("a row", ref)
                row = parsed[0]
                if len(_ROWS) < 20_000:
                    _ROWS[ref] = row
            self.row = row
        if attrs.get("hidden") in ("1", "true"):
            self.hidden_rows.add(self.row)

    def _start_cell(self, attrs: dict[str, str]) -> None:
        ref = attrs.get("r")
        if ref is None:
            at = (self.row, self.col)
        else:
            at = _POSITIONS.get(ref) or self._position(ref)
            self.col = at[1]
        row, col = self.cell_at = at
        self.count += 1
        if row >= self.max_row or col >= self.max_col or self.count > self.max_cells:
            self._over_cap(row, col)
        if row >= self.last_row:
            self.last_row = row + 1
        if col >= self.last_col:
            self.last_col = col + 1
        self.depth = 1
        if self.percent_styles and _index(attrs.get("s", "0")) in self.percent_styles:
            self.percent.append(at)
        kind = self.kind = attrs.get("t")
        if kind is not None and (kind == "e" or (kind == "s" and self.watch_strings)):
            self._cell = _Cell(row, col, kind, True)

    def _over_cap(self, row: int, col: int) -> None:
        limits = self.limits
        if self.count > limits.max_cells:
            raise _reject(
                "TOO_MANY_CELLS",
                f"the sheet holds more than {limits.max_cells:,} cells; a return holds a few hundred",
                self.where,
            )
        at = a1(row, col)
        raise _reject(
            "CELL_OUTSIDE_TEMPLATE",
            (
                f"there is a cell at {at}, far outside the template's area (rows up to {limits.max_row:,}, "
                f"columns up to {a1(0, limits.max_col - 1)[:-1]}): clear it, or copy your figures into a "
                "fresh template"
            ),
            Location(self.package.file, self.name, at),
        )

    def _position(self, ref: str) -> tuple[int, int]:
        position = _parse_ref(ref)
        if position is None or position[1] < 0:
            raise self._bad_reference("a cell", ref)
        if len(_POSITIONS) < 100_000:
            _POSITIONS[ref] = position
        return position

    def _child(self, local: str) -> None:
        """A cell's child element begins: its text is wanted for a formula, an inline string, a watched value."""
        cell = self._cell
        if cell is None:
            if local == "v":  # a plain value in a sheet with hidden columns
                row, col = self.cell_at
                if col in self.hidden_columns:
                    self.hidden_data.setdefault(col, a1(row, col))
                return
            cell = self._cell = _Cell(*self.cell_at, self.kind, False)
        if cell.child(local):
            self.parser.CharacterDataHandler = self.text

    def _end_cell(self) -> None:
        cell = self._cell
        assert cell is not None
        self._cell = None
        self.parser.CharacterDataHandler = None
        if cell.has_value and cell.col in self.hidden_columns:
            self.hidden_data.setdefault(cell.col, a1(cell.row, cell.col))
        cell.finish(self)

    # --- the quick way ------------------------------------------------------------------------

    def quick(self, parse: _Parse, data: bytes) -> bool:
        """The sheet's facts with no Python call per cell, where its sheet data is plainly written.

        expat parses every byte as the full parse does (DTDs, well-formedness, encoding); the handlers
        run before the first sheetData and after it, and the sheet data between is matched whole by
        ``_PLAIN_SHEET_DATA``, from which the cells' count, extent and formulas are taken by pattern.
        False (the part is then parsed in full) for anything else: another encoding, comments or
        processing instructions, a prefixed or empty sheetData, character references, error cells,
        hidden rows or columns, watched shared texts, or a cap passed.
        """
        prolog = _PLAIN_PROLOG.match(data)
        start = data.find(b"<sheetData>")
        end = data.find(b"</sheetData>", start)
        if (
            self.watch_strings
            or prolog is None
            or data.find(b"<?", prolog.end()) >= 0
            or b"<!" in data
            or start < 0
            or end < 0
        ):
            return False
        body = data[start + 11 : end]
        if (
            b"&#" in body
            or b't="e"' in body
            or b' hidden="1"' in body
            or b' hidden="true"' in body
            or _PLAIN_SHEET_DATA.fullmatch(body) is None
        ):
            return False
        head, tail = data[: start + 11], data[end + 12 :]
        key = (_SheetScan.quick, self.package.limits_key, head, tail)
        told = _KNOWN.recall(key)
        if told is not None:  # this prolog and end, parsed before without a finding: every byte still parsed
            parse.feed(data, True)
            self.state, self.stated, self.merged = 2, told[0], list(told[1])  # type: ignore[index]
        else:
            kept = len(self.package.findings)
            if not self._quick_parse(parse, head, data[start + 11 : end + 12], tail):
                return False
            if len(self.package.findings) == kept:
                _KNOWN.keep(key, (self.stated, tuple(self.merged)), len(head) + len(tail))
        return (
            self._plain_cells(body)
            and (b"<f" not in body or self._plain_formulas(body))
            and (not self.percent_styles or self._plain_percent(body))
        )

    def _quick_parse(self, parse: _Parse, head: bytes, body: bytes, tail: bytes) -> bool:
        """The parse of a plain sheet: its prolog and end with the handlers (the dimension, hidden columns,
        merged ranges), its sheet data (``body``) by expat alone; False where the sheet must be parsed in full.
        What the handlers find depends on the prolog and end alone (the sheet data between is plain rows),
        so ``quick`` keeps it by their bytes."""
        parser = parse.parser
        self.bind(parser)
        parse.feed(head)
        self.apply_ends()
        if self.state != 1 or self.hidden_columns:  # a sheetData met before, or data in hidden columns to find
            return False
        parser.StartElementHandler = parser.EndElementHandler = None
        parse.feed(body)
        self.state = 2
        self.bind(parser)
        parse.feed(tail, True)
        return True

    def _plain_cells(self, body: bytes) -> bool:
        """Count and extent of the cells of plain sheet data (every cell at its r, in its row); False past a cap."""
        letters = _CELL_COLUMN.findall(body)
        if letters:
            self.count = len(letters)
            self.last_row = max(map(int, _FILLED_ROW.findall(body)))
            last = max(set(letters), key=lambda c: (len(c), c))  # upper-case letters: the longest, then A-Z
            self.last_col = _column(last.decode("ascii")) + 1
        limits = self.limits
        return self.count <= limits.max_cells and self.last_row <= limits.max_row and self.last_col <= limits.max_col

    def _plain_percent(self, body: bytes) -> bool:
        """The cells formatted as a percentage, in plain sheet data (where a cell's style is written as ``s``);
        False where an unstyled cell would be one (the first cell format shows a percentage)."""
        styles = self.percent_styles
        if 0 in styles:
            return False
        if any(b' s="%d"' % style in body for style in styles):
            for ref in _percent_cell(styles).findall(body):
                ref = ref.decode("ascii")
                self.percent.append(_POSITIONS.get(ref) or self._position(ref))
        return True

    def _plain_formulas(self, body: bytes) -> bool:
        """Formulas with no stored result, and those reaching outside the workbook, in plain sheet data."""
        cells = list(_FORMULA_CELL.finditer(body))
        if len(cells) != body.count(b"<f"):
            return False
        for cell in cells:
            at, formula, value = cell.group(1).decode("ascii"), cell.group(3), cell.group(4)
            if value is None and cell.group(5) is not None:
                value = b""  # <v/>
            if value is None or (value == b"" and _kind(cell.group(2)) != b"str"):
                self.no_result.append(at)
            elif formula and _MAYBE_OUTSIDE.search(formula):
                if b"\r" in formula:  # expat would turn line ends into \n
                    return False
                for entity, char in _ENTITIES:
                    formula = formula.replace(entity, char)
                _formula_warnings(self, formula.decode("utf-8")[:_FORMULA_KEPT], at)
        return True

    def facts(self, hidden: bool) -> SheetFacts:
        self.apply_ends()
        self._warn_dimension()
        self._warn_hidden_columns()
        self._warn_more()
        return SheetFacts(
            self.name,
            hidden,
            self.count,
            tuple(self.errors),
            tuple(self.no_result),
            frozenset(self.hidden_rows),
            self.last_row,
            self.last_col,
            tuple(self.merged),
            frozenset(self.hidden_columns),
            frozenset(self.percent),
        )

    def _warn_dimension(self) -> None:
        stated = self.stated
        if stated and (self.last_row > stated[0] or self.last_col > stated[1]):
            self.package.findings.append(
                Finding(
                    "DIMENSION_LIES",
                    (
                        f"the sheet says its last cell is {a1(stated[0] - 1, stated[1] - 1)} but it has a "
                        f"cell at {a1(self.last_row - 1, self.last_col - 1)}; all cells are read, but the "
                        "file was not saved by Excel: check it"
                    ),
                    self.where,
                )
            )

    def _warn_hidden_columns(self) -> None:
        for col, at in sorted(self.hidden_data.items()):
            letters = a1(0, col)[:-1]
            self.package.findings.append(
                Finding(
                    "HIDDEN_COLUMN",
                    (
                        f"column {letters} is hidden but holds data (first at {at}); it is read as usual: "
                        "unhide it to check it is meant to be there"
                    ),
                    Location(self.package.file, self.name, at),
                )
            )

    def warn(self, code: str, message: str, at: str) -> None:
        """A located warning; past _WARNINGS_PER_SHEET of one code, only counted (see _warn_more)."""
        seen = self.warned[code] = self.warned.get(code, 0) + 1
        if seen <= _WARNINGS_PER_SHEET:
            self.package.findings.append(Finding(code, message, Location(self.package.file, self.name, at)))

    def _warn_more(self) -> None:
        for code, seen in self.warned.items():
            if seen > _WARNINGS_PER_SHEET:
                self.package.findings.append(
                    Finding(
                        code,
                        f"and {seen - _WARNINGS_PER_SHEET:,} more cells like this on the sheet",
                        self.where,
                    )
                )

    def error(self, code: str, message: str, at: str) -> None:
        self.package.findings.append(Finding(code, message, Location(self.package.file, self.name, at)))


class _Cell:
    """One cell's children as calamine reads them: a formula (f), a value (v), an inline string (is)."""

    __slots__ = ("row", "col", "kind", "watch", "has_value", "formula", "kept", "value", "inline", "mode")

    def __init__(self, row: int, col: int, kind: str | None, watch: bool) -> None:
        self.row, self.col, self.kind = row, col, kind
        self.watch = watch  # its value must be seen: an error, or a shared text that may be over the cap
        self.has_value = False
        self.formula: list[str] | None = None
        self.value: list[str] | None = None
        self.kept = 0  # characters of the formula kept
        self.inline = 0  # characters of an inline string
        self.mode = ""  # the child whose text arrives now: "v", "f", "is" or ""

    def child(self, local: str) -> bool:
        """A child element starts; True when its text must be seen."""
        self.mode = local
        if local == "v":
            self.has_value = True
            self.value = []
            return self.formula is not None or self.watch
        if local == "f":
            self.formula = []
            return True
        if local == "is":
            self.has_value = True
            return True
        return False

    def text(self, data: str) -> None:
        mode = self.mode
        if mode == "v":
            self.value.append(data)  # type: ignore[union-attr]
        elif mode == "f":
            if self.kept < _FORMULA_KEPT:
                self.formula.append(data[: _FORMULA_KEPT - self.kept])  # type: ignore[union-attr]
                self.kept += len(data)
        elif mode == "is":
            self.inline += len(data)

    def finish(self, scan: _SheetScan) -> None:
        """What the cell tells: an error shown, a formula with no result or reaching outside, a long text."""
        at = a1(self.row, self.col)
        value = "".join(self.value) if self.value is not None else None
        if self.kind == "e":
            scan.errors.append((at, value or "#ERROR"))
        elif self.formula is not None:
            if value is None or (value == "" and self.kind != "str"):
                scan.no_result.append(at)
            else:
                _formula_warnings(scan, "".join(self.formula), at)
        if self.kind == "s" and value is not None and value.strip().isascii() and value.strip().isdigit():
            length = scan.package.long_strings.pop(int(value), None)
            if length is not None:
                scan.error("BAD_TEXT", _too_long(length, scan.limits), at)
        if self.inline > scan.limits.max_text_chars:
            scan.error("BAD_TEXT", _too_long(self.inline, scan.limits), at)


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader


def part_bytes(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A part's bytes, as zipfile reads them, from the file's bytes and the part's entry (an ``Inspection``'s
    ``part``): inflated at once where that gives exactly what zipfile would, with no second reading of the
    package's directory. Raises as zipfile does for a damaged part."""
    whole = _inflated_at_once(data, info)
    if whole is None:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            whole = zf.read(info)
    return whole


def _inflated_at_once(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """A part's bytes straight from the file's (see :func:`_at_once`), or None."""
    found = _at_once(data, info)
    return None if found is None else found[0]


def _at_once(data: bytes, info: zipfile.ZipInfo) -> tuple[bytes, bool] | None:
    """A part's bytes straight from the file's, where zipfile would give exactly these without complaint:
    the local header where the directory says, naming the same part, no flag zipfile refuses, and the
    whole stream inflating to the stated size with the stated CRC-32. None for anything else: zipfile
    then reads the part, and says what is wrong with it. With the bytes, whether the same deflated stream
    was met before in this process (``_INFLATED``; a stored part: never)."""
    offset = info.header_offset
    head = data[offset : offset + _LOCAL_HEADER.size]
    if len(head) != _LOCAL_HEADER.size or info.flag_bits & 0x61:  # encrypted, patched, strong encryption
        return None
    signature, _, _, flags, _, _, _, _, _, _, name_length, extra_length = _LOCAL_HEADER.unpack(head)
    name = data[offset + _LOCAL_HEADER.size : offset + _LOCAL_HEADER.size + name_length]
    try:
        local = name.decode("utf-8" if flags & 0x800 else "cp437")
    except UnicodeDecodeError:
        return None
    if signature != b"PK\x03\x04" or local != info.orig_filename:
        return None
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    raw = data[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        return (raw, False) if len(raw) == info.file_size and zlib.crc32(raw) == info.CRC else None
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return None
    return _INFLATED.inflate(raw, info)


def _inflate(raw: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """A deflated stream inflated whole, where it gives exactly the stated size and CRC-32; else None."""
    inflater = zlib.decompressobj(-15)
    try:
        whole = inflater.decompress(raw, max(info.file_size, 1))  # never more than stated (0: unbounded)
    except zlib.error:
        return None
    if not inflater.eof or inflater.unconsumed_tail:
        return None
    return whole if len(whole) == info.file_size and zlib.crc32(whole) == info.CRC else None


@functools.lru_cache(maxsize=64)
def _percent_cell(styles: frozenset[int]) -> re.Pattern[bytes]:
    """A plain cell whose style (``s``) is one of ``styles``, its reference the group."""
    indexes = b"|".join(b"%d" % style for style in sorted(styles))
    return re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"(?: (?!s=)' + _ATTR + rb')*+ s="(?:' + indexes + rb')"')


def _kind(attributes: bytes) -> bytes | None:
    """A plain cell's t="", from its attributes as written."""
    found = _KIND.search(attributes)
    return found.group(1) if found else None


def _too_long(length: int, limits: Limits) -> str:
    return f"the text is {length:,} characters long; Excel's limit is {limits.max_text_chars:,}"


def _formula_warnings(scan: _SheetScan, formula: str, at: str) -> None:
    """A formula with a stored result that reaches outside the workbook: the result is read, with a warning.

    A ``|`` outside text and quoted sheet names appears in no formula but a DDE request
    (``cmd|' /C calc'!A0``); ``[1]`` or ``[Book.xlsx]`` before a sheet name is another workbook.
    """
    outside = _STRING_LITERAL.sub('""', formula)
    if "|" in _QUOTED_NAME.sub("''", outside) or _DDE_CALL.search(outside):
        scan.warn(
            "DDE_FORMULA",
            (
                f"the cell's formula asks another program for data (DDE: {formula[:80]!r}); it is never run, "
                "and the value saved with the file is read: type the figure instead"
            ),
            at,
        )
    elif _EXTERNAL_REF.search(outside):
        scan.warn(
            "EXTERNAL_LINK",
            (
                f"the cell's formula takes its value from another workbook ({formula[:80]!r}); the value "
                "saved with the file is read, never updated from it: type the figure instead"
            ),
            at,
        )
