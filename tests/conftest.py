"""Shared fixtures: the Hampshire example, a consolidation of it, and LibreOffice."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# xlwings picks its runtime when first imported: every test that reaches the add-in runs it as xlwings
# Server and Lite do (Office.js call path), whichever test module happens to import it first.
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from jwmodel.consolidation import Consolidation, consolidate
from jwmodel.examples import hampshire_2012

ROOT = Path(__file__).resolve().parents[1]
WORKBOOKS = ROOT / "workbooks"
HAMPSHIRE_DIR = WORKBOOKS / "examples" / "hampshire-2012"


@pytest.fixture(scope="session")
def hampshire() -> Consolidation:
    return consolidate(hampshire_2012.programme())


@pytest.fixture
def hampshire_folder(tmp_path: Path) -> Path:
    """A copy of the example returns, so a test can add files beside them."""
    folder = tmp_path / "returns"
    shutil.copytree(HAMPSHIRE_DIR, folder)
    return folder


@pytest.fixture(scope="session")
def libreoffice() -> str:
    """LibreOffice must be there: `make test` installs it; a missing one fails, never skips."""
    from jwmodel.excel.libreoffice import LibreOfficeError, soffice

    try:
        return soffice()
    except LibreOfficeError as exc:
        pytest.fail(str(exc))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """LibreOffice round trips are slow: mark them so `pytest -m "not slow"` gives the fast layer."""
    for item in items:
        if "libreoffice" in getattr(item, "fixturenames", ()) or item.get_closest_marker("libreoffice"):
            item.add_marker(pytest.mark.slow)
