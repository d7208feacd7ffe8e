"""Build the xlwings Lite package: one pure-Python wheel holding jwmodel and jwaddin.

xlwings Lite installs packages with micropip inside the browser, which takes only pure-Python
wheels. The project's own wheel declares python-calamine (compiled, no browser build) and the
command-line extras, so Lite gets this wheel instead: the same code, declaring only what Lite can
install (openpyxl and et-xmlfile, which read returns in place of python-calamine). Pinned versions
are in requirements.txt beside this file.

    python addin/lite/build_wheel.py [OUTDIR]     # default: dist/

Host the wheel where the Lite add-in may fetch it (see docs/excel-addin.md) and add its URL to the
workbook's requirements.txt.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = "jwmodel_lite"
VERSION = re.search(r'^VERSION = "([^"]+)"', (ROOT / "jwmodel" / "version.py").read_text(), re.M)[1]  # jwmodel's
REQUIRES = ("openpyxl==3.1.5", "et-xmlfile==2.0.0")
PACKAGES = {"jwmodel": ROOT / "jwmodel", "jwaddin": ROOT / "addin" / "jwaddin"}
DATE = (2012, 4, 1, 0, 0, 0)  # fixed, so the same source gives the same wheel


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def files() -> list[tuple[str, bytes]]:
    """Every module of both packages, by archive name (no caches, no tests)."""
    found = []
    for package, folder in PACKAGES.items():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".typed"):
                found.append((f"{package}/{path.relative_to(folder).as_posix()}", path.read_bytes()))
    return found


def build(outdir: str | Path = ROOT / "dist") -> Path:
    """Write the wheel into ``outdir`` and return its path."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    info = f"{NAME}-{VERSION}.dist-info"
    metadata = "\n".join(
        [
            "Metadata-Version: 2.1",
            f"Name: {NAME.replace('_', '-')}",
            f"Version: {VERSION}",
            "Summary: jwmodel's engine and Excel functions for xlwings Lite (pure Python)",
            "Requires-Python: >=3.11",
            *(f"Requires-Dist: {r}" for r in REQUIRES),
            "",
        ]
    ).encode()
    wheel = (
        b"Wheel-Version: 1.0\nGenerator: jwmodel addin/lite/build_wheel.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    entries = [
        *files(),
        (f"{info}/METADATA", metadata),
        (f"{info}/WHEEL", wheel),
        (f"{info}/top_level.txt", b"jwaddin\njwmodel\n"),
    ]
    record = "".join(f"{name},{_digest(data)},{len(data)}\n" for name, data in entries) + f"{info}/RECORD,,\n"
    target = outdir / f"{NAME}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in [*entries, (f"{info}/RECORD", record.encode())]:
            zf.writestr(zipfile.ZipInfo(name, DATE), data, zipfile.ZIP_DEFLATED)
    return target


if __name__ == "__main__":
    print(build(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist"))
