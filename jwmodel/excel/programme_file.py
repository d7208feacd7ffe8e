"""The programme definition's file, ``programme.json``: read, found beside the returns, written atomically.

What the file means and how it is checked is :mod:`jwmodel.definition`'s; this module only does the I/O.
"""

from __future__ import annotations

from pathlib import Path

from jwmodel.definition import FILE_NAME, DefinitionError, ProgrammeDefinition, from_text, to_text
from jwmodel.excel.atomic import replacing

__all__ = ["MAX_BYTES", "read_definition", "beside", "write_definition"]

MAX_BYTES = 1_000_000  # a definition of a thousand partners is a tenth of this


def read_definition(path: str | Path) -> ProgrammeDefinition:
    """The definition in ``path`` (UTF-8 JSON, a byte order mark allowed).

    Raises:
        DefinitionError: the file cannot be read, is not UTF-8 JSON, or is not a usable definition;
            one line naming the file (as given) and the entry.
    """
    path = Path(path)
    source = str(path)
    try:
        if not path.is_file():
            raise DefinitionError(f"{source}: no such file (the programme definition, e.g. {FILE_NAME})")
        if path.stat().st_size > MAX_BYTES:
            raise DefinitionError(
                f"{source}: {path.stat().st_size:,} bytes is far too large for a programme definition"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise DefinitionError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DefinitionError(f"{source}: not UTF-8 text (byte {exc.start}); save it as UTF-8 JSON") from exc
    return from_text(text, source=source)


def beside(folder: str | Path) -> Path | None:
    """``folder``'s programme definition (``programme.json``), or None when it has none."""
    path = Path(folder) / FILE_NAME
    return path if path.is_file() else None


def write_definition(path: str | Path, definition: ProgrammeDefinition) -> Path:
    """Write ``definition`` to ``path`` (``programme.json``), atomically."""
    path = Path(path)
    with replacing(path, ".json") as tmp:
        tmp.write_text(to_text(definition), encoding="utf-8")
    return path
