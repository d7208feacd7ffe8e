"""Inspect a submitted file's bytes before any spreadsheet reader sees them.

python-calamine is fast but can abort the whole process on hostile input, so everything that can be
decided from the package itself is decided here, with the standard library only: what kind of file
it really is (legacy .xls, .xlsb, .ods, CSV or HTML renamed .xlsx, a password-protected file), a
damaged or dangerous zip (truncated, duplicate entries, paths outside the package, unusual
compression), DTDs and entity declarations in any XML part, decompression bombs (caps checked
against the bytes actually inflated), absurd sizes, sheets whose stated dimension lies, cells far
outside the template area, and a shared-strings count that lies. It also records, per sheet, the
facts calamine cannot give: cells holding formula errors, formulas with no stored result, hidden
sheets and hidden rows.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from jwmodel.findings import Finding, Location, Severity, a1

__all__ = ["Limits", "SheetFacts", "Inspection", "inspect_package", "cell_to_rowcol"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
# _CELL with a leading r="" attribute captured apart: (space, column, row, other attributes, body).
# It matches exactly where _CELL does and ends where _CELL ends (the r="" part holds no '>' or '/'),
# and when the leading r="" is captured it is the first match of _ATTR_R in _CELL's attributes, and
# _ATTR_T finds the same t="" in the other attributes; when it is not, the attributes are _CELL's.
_CELL_R = re.compile(rb'<c\b(?:(\s+)r="([A-Z]{1,3})([0-9]{1,7})")?([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_COLUMNS: dict[bytes, int] = {}  # column letters -> 1-based number (at most 18,278 entries)
_ATTR_R = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_ATTR_T = re.compile(rb'\bt="([a-zA-Z]+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_ROW_HIDDEN = re.compile(rb'<row\b[^>]*?\br="([0-9]+)"[^>]*?\bhidden="(?:1|true)"[^>]*>', re.S)
_ROW_HIDDEN_ALT = re.compile(rb'<row\b[^>]*?\bhidden="(?:1|true)"[^>]*?\br="([0-9]+)"[^>]*>', re.S)
_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?"')
_SST = re.compile(rb"<sst\b[^>]*>", re.S)
_UNIQUE = re.compile(rb'\buniqueCount="([0-9]+)"')
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)


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


@dataclass(frozen=True, slots=True)
class Inspection:
    findings: tuple[Finding, ...]
    sheets: tuple[SheetFacts, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def sheet(self, name: str) -> SheetFacts | None:
        return next((s for s in self.sheets if s.name == name), None)


def cell_to_rowcol(col_letters: bytes | str, row_digits: bytes | str) -> tuple[int, int]:
    """('B', '12') -> (11, 1): 0-based row and column."""
    letters = col_letters.decode() if isinstance(col_letters, bytes) else col_letters
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch) - 64)
    return int(row_digits) - 1, col - 1


class _Rejected(Exception):
    def __init__(self, finding: Finding) -> None:
        self.finding = finding


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


def _read_capped(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, budget: list[int], where: Location
) -> bytes:
    """Inflate one part, counting what is actually produced, not what the header claims."""
    out = io.BytesIO()
    with zf.open(info) as stream:
        while chunk := stream.read(1 << 16):
            out.write(chunk)
            budget[0] += len(chunk)
            if out.tell() > limits.max_part_bytes or budget[0] > limits.max_total_bytes:
                raise _Rejected(
                    Finding(
                        Severity.ERROR,
                        "DECOMPRESSION_BOMB",
                        f"the part {info.filename} inflates to more than {limits.max_part_bytes // 1_000_000} MB (or the whole file to more than {limits.max_total_bytes // 1_000_000} MB); a return is far smaller: start again from the template",
                        where,
                    )
                )
    return out.getvalue()


def inspect_package(data: bytes, file: str, limits: Limits = Limits()) -> Inspection:
    """Decide whether a file is safe and sensible to hand to a spreadsheet reader.

    Never raises for bad input: problems are findings. Errors mean the file must not be read.
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
                    Severity.ERROR,
                    "CORRUPT_ZIP",
                    f"the file is damaged ({type(exc).__name__}: {exc}); it may have been cut short while saving or sending: save it again as .xlsx and resend",
                    where,
                ),
            )
        )
    except (ET.ParseError, LookupError) as exc:  # LookupError: an XML declaration naming no known encoding
        return Inspection(
            (
                Finding(
                    Severity.ERROR,
                    "CORRUPT_XML",
                    f"a part of the workbook is not well-formed XML ({exc}); save it again from Excel as .xlsx",
                    where,
                ),
            )
        )


def _inspect(data: bytes, file: str, limits: Limits) -> Inspection:
    where = Location(file)

    def reject(code: str, message: str) -> _Rejected:
        return _Rejected(Finding(Severity.ERROR, code, message, where))

    if not data:
        raise reject(
            "EMPTY_FILE", "the file is empty (0 bytes); it may not have finished saving or copying: send it again"
        )
    if len(data) > limits.max_file_bytes:
        raise reject(
            "FILE_TOO_LARGE",
            f"the file is {len(data) / 1_000_000:.1f} MB; a return is far smaller (the limit is {limits.max_file_bytes // 1_000_000} MB): start again from the template",
        )
    if data.startswith(_OLE2):
        if _ENCRYPTED in data:
            raise reject(
                "PASSWORD_PROTECTED",
                "the workbook is protected with a password to open: remove the password (File > Info > Protect Workbook > Encrypt with Password, clear it), save and resend",
            )
        raise reject(
            "LEGACY_XLS",
            "this is an old-format Excel file (.xls, Excel 97-2003): open it in Excel and save as 'Excel Workbook (.xlsx)'",
        )
    if not data.startswith(b"PK"):
        kind = _sniff_text(data)
        if kind:
            raise reject(
                "NOT_A_WORKBOOK",
                f"this is {kind} renamed as .xlsx, not an Excel workbook: open it in Excel and save as 'Excel Workbook (.xlsx)' from the template",
            )
        raise reject(
            "NOT_A_WORKBOOK",
            "this file is not an Excel workbook (.xlsx): save the return from the template as 'Excel Workbook (.xlsx)'",
        )

    zf = zipfile.ZipFile(io.BytesIO(data))
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if len(infos) > limits.max_parts:
        raise reject("TOO_MANY_PARTS", f"the package has {len(infos)} parts; a workbook from the template has about 20")
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        lowered = name.lower()
        if lowered in seen:
            raise reject(
                "DUPLICATE_ENTRY",
                f"the package holds '{name}' twice; a genuine workbook never does: save it again from Excel",
            )
        seen.add(lowered)
        if (
            name.startswith(("/", "\\"))
            or "\\" in name
            or re.match(r"^[A-Za-z]:", name)
            or "\x00" in name
            or ".." in posixpath.normpath(name).split("/")
            or ".." in name.split("/")
        ):
            raise reject(
                "UNSAFE_PATH", f"the package has a part with an unsafe path ('{name}'); a genuine workbook never does"
            )
        if info.flag_bits & 0x1:
            raise reject(
                "PASSWORD_PROTECTED", "parts of the package are encrypted: remove any password, save and resend"
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise reject(
                "UNSUPPORTED_COMPRESSION",
                f"the part '{name}' uses a compression method ({info.compress_type}) that Excel does not write: save it again from Excel",
            )
    if "xl/workbook.bin" in seen:
        raise reject(
            "XLSB", "this is an Excel Binary Workbook (.xlsb): open it in Excel and save as 'Excel Workbook (.xlsx)'"
        )
    if "mimetype" in seen or "content.xml" in seen:
        mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
        if b"spreadsheet" in mimetype or "content.xml" in seen:
            raise reject(
                "ODS",
                "this is an OpenDocument spreadsheet (.ods): save it as 'Excel 2007-365 (.xlsx)' from the template",
            )
    if "xl/vbaproject.bin" in seen:
        raise reject(
            "MACRO_ENABLED",
            "the workbook contains macros (VBA); macros are never run or copied: save it as 'Excel Workbook (.xlsx)', which removes them, and resend",
        )
    for required in ("[Content_Types].xml", "xl/workbook.xml"):
        if required.lower() not in seen:
            raise reject(
                "MISSING_PART",
                f"the package has no '{required}', so it is not a complete workbook: save it again from Excel as .xlsx",
            )

    budget = [0]
    parts: dict[str, bytes] = {}
    for info in infos:
        if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        content = _read_capped(zf, info, limits, budget, where)
        if _DTD.search(content):
            raise reject(
                "XML_DTD",
                f"the part {info.filename} declares a DTD or entities (<!DOCTYPE or <!ENTITY); Excel never writes these and they can be used to attack readers: save it again from Excel",
            )
        parts[info.filename] = content

    content_types = parts.get("[Content_Types].xml", b"")
    if b"macroEnabled" in content_types or b"vbaProject" in content_types:
        raise reject(
            "MACRO_ENABLED",
            "the workbook is macro-enabled (.xlsm); macros are never run or copied: save it as 'Excel Workbook (.xlsx)' and resend",
        )

    workbook = ET.fromstring(parts["xl/workbook.xml"])
    rels_bytes = parts.get("xl/_rels/workbook.xml.rels")
    if rels_bytes is None:
        raise reject(
            "MISSING_PART",
            "the package has no 'xl/_rels/workbook.xml.rels', so its sheets cannot be found: save it again from Excel",
        )
    targets = {}
    for rel in ET.fromstring(rels_bytes).iter(_REL):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = path

    findings: list[Finding] = []
    sheets: list[SheetFacts] = []
    for sheet in workbook.iterfind("m:sheets/m:sheet", _NS):
        name = sheet.get("name", "")
        rid = sheet.get(f"{{{_NS['r']}}}id")
        path = targets.get(rid)
        if path is None or path not in parts:
            raise reject(
                "MISSING_PART",
                f"the sheet '{name}' is listed but its part ({path or 'no target'}) is missing: save it again from Excel",
            )
        facts = _sheet_facts(name, sheet.get("state", "visible") != "visible", parts[path], file, limits, findings)
        sheets.append(facts)

    sst = parts.get("xl/sharedStrings.xml")
    if sst is not None:
        head = _SST.search(sst)
        declared = _UNIQUE.search(head.group(0)) if head else None
        actual = sst.count(b"<si>") + sst.count(b"<si ") + sst.count(b"<si/>")
        if declared is not None:
            unique = int(declared.group(1))
            if unique > limits.max_shared_strings or actual > limits.max_shared_strings:
                raise reject(
                    "TOO_MANY_STRINGS", f"the workbook declares {unique:,} distinct texts; a return has a few hundred"
                )
            if unique > actual:
                raise reject(
                    "SHARED_STRINGS_MISMATCH",
                    f"the workbook says it holds {unique:,} distinct texts but holds {actual:,}; a genuine workbook never does: save it again from Excel",
                )
    return Inspection(tuple(findings), tuple(sheets))


def _sheet_facts(name: str, hidden: bool, xml: bytes, file: str, limits: Limits, findings: list[Finding]) -> SheetFacts:
    where = Location(file, name)
    dimension = _DIMENSION.search(xml)
    stated_area = 0
    stated_last = (0, 0)
    if dimension:
        r1, c1 = cell_to_rowcol(dimension.group(1), dimension.group(2))
        r2, c2 = cell_to_rowcol(dimension.group(3), dimension.group(4)) if dimension.group(3) else (r1, c1)
        stated_area = (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)
        stated_last = (max(r1, r2) + 1, max(c1, c2) + 1)
        if stated_area > limits.max_area:
            raise _Rejected(
                Finding(
                    Severity.ERROR,
                    "DIMENSION_TOO_LARGE",
                    f"the sheet says it spans {stated_area:,} cells ({dimension.group(0).decode()[16:-1]}); readers would reserve memory for all of them: delete the unused rows and columns, or copy your figures into a fresh template",
                    where,
                )
            )
    errors: list[tuple[str, str]] = []
    no_result: list[str] = []
    count = 0
    last_row = last_col = 0
    max_cells, max_row, max_col = limits.max_cells, limits.max_row, limits.max_col
    columns = _COLUMNS
    # The cells as _CELL finds them; _CELL_R is _CELL with the usual leading r="" attribute taken
    # out, so most cells need no second search (see _CELL_R for why it is the same).
    cells = _CELL_R.findall(xml)
    if cells:
        # Fast path for a sheet whose every cell starts with its r="" and that is within the limits
        # (decided on the maxima): the counts and last cell at C speed, and only cells holding a
        # formula or an error looked at one by one. Anything else takes the loop below, which
        # stops at the first cell over a limit, as before.
        _, all_letters, all_digits, all_attrs, all_bodies = zip(*cells)
        if all(all_letters) and len(cells) <= max_cells:
            for letters in set(all_letters).difference(columns):
                columns[letters] = cell_to_rowcol(letters, b"1")[1] + 1
            top_row, top_col = max(map(int, all_digits)), max(map(columns.__getitem__, all_letters))
            if top_row <= max_row and top_col <= max_col:
                count, last_row, last_col = len(cells), top_row, top_col
                if b"<f" in xml or b't="e' in xml:
                    for letters, digits, attrs, body in zip(all_letters, all_digits, all_attrs, all_bodies):
                        if b"<f" not in body and b't="e' not in attrs:
                            continue
                        row, col = int(digits), columns[letters]
                        kind = _ATTR_T.search(attrs) if b't="' in attrs else None
                        if kind and kind.group(1) == b"e":
                            value = _VALUE.search(body)
                            errors.append(
                                (a1(row - 1, col - 1), value.group(1).decode(errors="replace") if value else "#ERROR")
                            )
                        elif b"<f" in body:
                            value = _VALUE.search(body)
                            if value is None or (value.group(1) == b"" and not (kind and kind.group(1) == b"str")):
                                no_result.append(a1(row - 1, col - 1))
                cells = []
    for _, letters, digits, attrs, body in cells:
        if not letters:
            ref = _ATTR_R.search(attrs)
            if ref is None:
                continue
            letters, digits = ref.group(1), ref.group(2)
        count += 1
        if count > max_cells:
            raise _Rejected(
                Finding(
                    Severity.ERROR,
                    "TOO_MANY_CELLS",
                    f"the sheet holds more than {limits.max_cells:,} cells; a return holds a few hundred",
                    where,
                )
            )
        col = columns.get(letters)
        if col is None:
            col = columns[letters] = cell_to_rowcol(letters, b"1")[1] + 1
        row = int(digits)
        if row > max_row or col > max_col:
            raise _Rejected(
                Finding(
                    Severity.ERROR,
                    "CELL_OUTSIDE_TEMPLATE",
                    f"there is a cell at {a1(row - 1, col - 1)}, far outside the template's area (rows up to {limits.max_row:,}, columns up to {a1(0, limits.max_col - 1)[:-1]}): clear it, or copy your figures into a fresh template",
                    Location(file, name, a1(row - 1, col - 1)),
                )
            )
        if row > last_row:
            last_row = row
        if col > last_col:
            last_col = col
        kind = _ATTR_T.search(attrs) if b't="' in attrs else None
        if kind and kind.group(1) == b"e":
            value = _VALUE.search(body)
            errors.append((a1(row - 1, col - 1), value.group(1).decode(errors="replace") if value else "#ERROR"))
        elif b"<f" in body:
            value = _VALUE.search(body)
            if value is None or (value.group(1) == b"" and not (kind and kind.group(1) == b"str")):
                no_result.append(a1(row - 1, col - 1))
    if dimension and (last_row > stated_last[0] or last_col > stated_last[1]):
        findings.append(
            Finding(
                Severity.WARNING,
                "DIMENSION_LIES",
                f"the sheet says its last cell is {a1(stated_last[0] - 1, stated_last[1] - 1)} but it has a cell at {a1(last_row - 1, last_col - 1)}; all cells are read, but the file was not saved by Excel: check it",
                where,
            )
        )
    hidden_rows = (
        (
            {int(m.group(1)) - 1 for m in _ROW_HIDDEN.finditer(xml)}
            | {int(m.group(1)) - 1 for m in _ROW_HIDDEN_ALT.finditer(xml)}
        )
        if b'hidden="' in xml
        else set()
    )  # both need the text hidden="
    return SheetFacts(name, hidden, count, tuple(errors), tuple(no_result), frozenset(hidden_rows), last_row, last_col)
