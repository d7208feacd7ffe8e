"""Render the Hampshire example's Summary, as LibreOffice prints it, to PNG for the docs (`make docs-images`).

    python docs/render_summary.py [--out docs/images]

Consolidates workbooks/examples/hampshire-2012 into a temporary folder, prints the workbook to PDF
with LibreOffice headless (``jwmodel.excel.libreoffice.to_pdf``) and renders the first page (the
Summary) with pypdfium2 (the ``docs`` extra).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pypdfium2

from jwmodel.cli import main
from jwmodel.excel.libreoffice import to_pdf

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "workbooks" / "examples" / "hampshire-2012"


def render(out: Path, *, scale: float = 2.0) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jwmodel-docs-") as tmp:
        book = Path(tmp) / "hampshire-consolidated.xlsx"
        if main(["consolidate", str(EXAMPLE), "-o", str(book), "-q"]) != 0:
            raise SystemExit("the Hampshire example did not consolidate cleanly")
        (pdf,) = to_pdf([book], Path(tmp) / "pdf")
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            target = out / "hampshire-summary.png"
            document[0].render(scale=scale).to_pil().save(target, optimize=True)
        finally:
            document.close()
    return target


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"), help="folder for the PNG")
    print(f"Wrote {render(Path(parser.parse_args().out))}")
