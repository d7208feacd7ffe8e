"""Which cells of a sheet are formatted as a percentage.

python-calamine gives values but no number formats, and opening the workbook with openpyxl to learn a
few cells' formats cost ~18 ms a file, doubling the read stage of a realistic batch. The package guard
(``excel.guard``) reads the styles part's cell formats (which of them show a percentage) and then walks
every cell of every sheet with a streaming, namespace-aware parse (prefixed elements such as ``<x:c>``
and cells without ``r=`` placed as Excel places them); so it notes, as it meets them, the cells whose
format shows a percentage (``SheetFacts.percent_cells``), and nothing is parsed again here.
"""

from __future__ import annotations

from collections.abc import Collection

from jwmodel.excel.guard import Inspection, inspect_package
from jwmodel.findings import Severity

__all__ = ["percent_cells"]


def percent_cells(
    data: bytes, sheet_name: str, wanted: Collection[tuple[int, int]], inspection: Inspection | None = None
) -> frozenset[tuple[int, int]]:
    """The cells of ``wanted`` (0-based row, column) on sheet ``sheet_name`` whose number format is a percentage.

    ``inspection``: what the guard found in ``data`` (it is inspected here when not given).

    Raises ``ValueError`` when the guard refuses the package (the caller reports the file as unreadable).
    """
    if not wanted:
        return frozenset()
    if inspection is None:
        inspection = inspect_package(data, sheet_name)
        if not inspection.ok:
            raise ValueError(next(f.message for f in inspection.findings if f.severity is Severity.ERROR))
    facts = inspection.sheet(sheet_name)
    return frozenset() if facts is None else facts.percent_cells.intersection(wanted)
