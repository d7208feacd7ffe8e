"""LibreOffice headless: open, recalculate and re-save workbooks as a spreadsheet application would.

Used by the round-trip tests and the benchmark's generator (files saved by an application differ
from files written by a library). A private profile sets Calc to recalculate every formula when it
loads an .xlsx (by default it trusts the cached results), so a re-saved file holds LibreOffice's
own answers.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from jwmodel.errors import JwmodelError

__all__ = ["LibreOfficeError", "soffice", "resave", "to_pdf"]

_PROFILE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">'
    "<value>0</value></prop></item>\n"
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">'
    "<value>0</value></prop></item>\n"
    "</oor:items>\n"
)


class LibreOfficeError(JwmodelError, RuntimeError):
    """LibreOffice is missing, or did not produce the file it was asked for."""


def soffice() -> str:
    """Path of the soffice binary; raises if LibreOffice is not installed."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        raise LibreOfficeError(
            "LibreOffice is not installed: run `make test` (it installs libreoffice-calc-nogui) or "
            "apt-get install libreoffice-calc-nogui"
        )
    return path


def resave(files: Sequence[str | Path], outdir: str | Path, *, timeout: float = 300) -> list[Path]:
    """Open each file in LibreOffice Calc, recalculate, and save it as .xlsx in ``outdir``.

    Returns the new paths (same names as the inputs, in ``outdir``, which must differ from the
    inputs' folder so nothing submitted is overwritten).
    """
    return _convert(files, outdir, "xlsx:Calc MS Excel 2007 XML", ".xlsx", timeout=timeout)


def to_pdf(files: Sequence[str | Path], outdir: str | Path, *, timeout: float = 300) -> list[Path]:
    """Print each workbook to PDF in ``outdir`` as LibreOffice Calc prints it (every sheet, its page set-up)."""
    return _convert(files, outdir, "pdf:calc_pdf_Export", ".pdf", timeout=timeout)


def _convert(
    files: Sequence[str | Path], outdir: str | Path, target: str, suffix: str, *, timeout: float
) -> list[Path]:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    sources = [Path(f).resolve() for f in files]
    if any(src.parent == outdir.resolve() for src in sources):
        raise LibreOfficeError("LibreOffice writes to a different folder than its inputs")
    done = _run_soffice(sources, outdir, target, timeout=timeout)
    if _crashed(done):  # a crash on starting (seen on a first run after install): once more, a new profile
        done = _run_soffice(sources, outdir, target, timeout=timeout)
    results = [outdir / (src.stem + suffix) for src in sources]
    missing = [p.name for p in results if not p.exists()]
    if done.returncode != 0 or missing:
        raise LibreOfficeError(
            f"LibreOffice did not save {', '.join(missing) or 'the files'} (exit {done.returncode}): "
            f"{done.stderr.strip() or done.stdout.strip()}"
        )
    return results


def _run_soffice(sources: Sequence[Path], outdir: Path, target: str, *, timeout: float) -> subprocess.CompletedProcess:
    """One soffice run converting ``sources`` into ``outdir``, with a private profile of its own."""
    with tempfile.TemporaryDirectory(prefix="jwmodel-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        command = [
            soffice(),
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def _crashed(done: subprocess.CompletedProcess) -> bool:
    """Whether soffice died of a signal (killed, or aborted: exit 134), rather than refusing a file."""
    return done.returncode < 0 or done.returncode >= 128
