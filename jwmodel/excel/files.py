"""Files as the intake meets them: the name shown for a file, its bytes and its SHA-256.

Used by the reader (``reading``) and the folder intake (``intake``) alike, so neither imports the
other. A file is opened by its real path; everything shown to a person (findings, the intake
register, receipts, workbooks, JSON) uses :func:`display_name`, which is always valid text.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from jwmodel.excel.guard import Limits
from jwmodel.findings import Finding, Location
from jwmodel.tables.outputs import printable

__all__ = ["FILE_GONE", "display_name", "file_error", "gone", "read_regular_file", "sha256_of"]

FILE_GONE = (
    "the file was in the folder when it was listed but was gone before it could be read (renamed or deleted "
    "meanwhile, as a sync client does when it finishes a download): run again once the folder has settled"
)

_LIMITS = Limits()

# Characters that would let a file name rewrite a terminal line or reorder what is shown around it
# (C0 and C1 controls, DEL, and the bidirectional overrides used in "trojan source" names).
_UNSHOWABLE = {
    **{c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))},
    **{c: f"\\u{c:04x}" for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}


def display_name(path: str | os.PathLike[str] | bytes) -> str:
    """The name of ``path`` (its last part) as valid text to show anywhere.

    Bytes that are not UTF-8 (a name made on another system: ``bad-\\xff\\xfe-name.xlsx``) and
    control or direction-changing characters are shown as ``\\xNN`` or ``\\uNNNN`` escapes, so the
    name stays recognisable, two different names stay different, and every writer (XlsxWriter,
    JSON, the terminal) can take it. Open the file by its real path, never by this name.
    """
    return printable(os.path.basename(os.fsdecode(path))).translate(_UNSHOWABLE)


def sha256_of(data: bytes) -> str:
    """The SHA-256 of a file's bytes, as hexadecimal (what the intake register shows)."""
    return hashlib.sha256(data).hexdigest()


def file_error(code: str, message: str, file: str) -> Finding:
    """An error about a whole file (its ``file`` is the display name)."""
    return Finding(code, message, Location(file))


def gone(file: str) -> Finding:
    """The finding for a file that vanished between the folder's listing and reading it."""
    return file_error("FILE_GONE", FILE_GONE, file)


def read_regular_file(path: str | os.PathLike[str], limits: Limits = _LIMITS) -> tuple[bytes, Finding | None]:
    """The bytes of a regular file, opened without following a link or blocking on a pipe.

    Returns ``(data, None)``, or ``(b"", finding)`` when the file cannot be read: gone, not a
    regular file, larger than ``limits.max_file_bytes`` or not readable. Never raises OSError.
    """
    path = Path(path)
    name = display_name(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return b"", gone(name)
    except OSError as exc:
        return b"", file_error(
            "FILE_UNREADABLE",
            f"the file cannot be opened ({exc.strerror}); if it is a link, copy the file itself into the folder",
            name,
        )
    try:
        return _read_open(fd, name, limits)
    except OSError as exc:  # an I/O error part-way (a network folder going away)
        return b"", file_error("FILE_UNREADABLE", f"the file could not be read to the end ({exc.strerror})", name)
    finally:
        os.close(fd)


def _read_open(fd: int, name: str, limits: Limits) -> tuple[bytes, Finding | None]:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        return b"", file_error(
            "NOT_A_FILE", "this is not a regular file (a pipe, device or folder), so it was not read", name
        )
    if info.st_size > limits.max_file_bytes:
        return b"", file_error(
            "FILE_TOO_LARGE",
            f"the file is {info.st_size / 1_000_000:.1f} MB; a return is far smaller "
            f"(the limit is {limits.max_file_bytes // 1_000_000} MB)",
            name,
        )
    chunks = []
    size = 0
    while chunk := os.read(fd, 1 << 20):
        size += len(chunk)
        if size > limits.max_file_bytes:  # it grew while being read
            return b"", file_error(
                "FILE_TOO_LARGE",
                f"the file grew past the limit of {limits.max_file_bytes // 1_000_000} MB while it was being read",
                name,
            )
        chunks.append(chunk)
    return b"".join(chunks), None
