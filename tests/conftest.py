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


# The command's default outputs, written in the working directory when no -o is given: a test that does so
# leaves a file in the checkout (and once got one committed). Each test is checked for it.
_DEFAULT_OUTPUTS = ("consolidated.xlsx", "tracker.xlsx", "true-up.xlsx")


@pytest.fixture(autouse=True)
def _no_output_left_in_the_working_directory():
    places = {Path.cwd(), ROOT}
    before = {p / name for p in places for name in _DEFAULT_OUTPUTS if (p / name).exists()}
    yield
    left = {p / name for p in places for name in _DEFAULT_OUTPUTS if (p / name).exists()} - before
    for path in left:
        path.unlink()
    assert not left, f"the test wrote {sorted(map(str, left))}: give the command -o in tmp_path"


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
