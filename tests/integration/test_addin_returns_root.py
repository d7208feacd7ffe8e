"""The consolidation script on xlwings Server reads only inside JWADDIN_RETURNS_ROOT: with none set it
refuses (saying so in the status cell, reading nothing); a folder outside it (``..``, another
absolute path, a symbolic link pointing out) is refused; and no text it writes into the workbook
shows the server's path. Locally (classic, Lite) a user reads their own folders unless a root is
set. Run through xlwings' own script call, as the other script tests."""

from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import jwaddin._runtime  # noqa: E402
import pytest  # noqa: E402
import xlwings as xw  # noqa: E402
from jwaddin.scripts import returns_folder, returns_root, shown_paths  # noqa: E402

import jwmodel  # noqa: E402
from jwmodel.consolidation import consolidate  # noqa: E402
from jwmodel.excel.model_workbook import write_model_workbook  # noqa: E402
from jwmodel.model import Programme  # noqa: E402
from tests.conftest import HAMPSHIRE_DIR  # noqa: E402
from tests.integration.test_addin_scripts import apply, run_script  # noqa: E402

INPUT_SHEETS = ("Partners", "Baseline", "Saving lines", "Rules", "Drivers", "One-off costs")


@pytest.fixture
def server(tmp_path):
    """A returns root holding a copy of the Hampshire returns as '2012', a secret folder beside the
    root, and a blank model workbook."""
    root = tmp_path / "returns"
    shutil.copytree(HAMPSHIRE_DIR, root / "2012")
    secret = tmp_path / "secret"
    shutil.copytree(HAMPSHIRE_DIR, secret)
    blank = write_model_workbook(tmp_path / "blank.xlsx", Programme(), consolidate(Programme()))
    return root, secret, blank


def outcome(blank: Path, folder: str, root: Path | None) -> tuple[str, list[dict], dict]:
    actions = run_script(blank, folder, root=root)
    cells = apply(blank, actions)["cells"]
    return cells["Read me"][(6, 1)], actions, cells


def written_text(actions: list[dict]) -> str:
    return repr([a.get("values") for a in actions])


def test_tests_here_run_as_xlwings_server():
    assert jwaddin._runtime.ON_SERVER is True


def test_without_a_root_the_server_refuses_and_reads_nothing(server):
    root, secret, blank = server
    status, actions, cells = outcome(blank, str(secret), None)
    assert status == (
        "Not run: this server reads no returns until its administrator sets JWADDIN_RETURNS_ROOT to the folder "
        "that holds the returns folders (see docs/excel-addin.md, xlwings Server); nothing was read"
    )
    before = apply(blank, [])["cells"]
    assert all(cells[s] == before[s] for s in INPUT_SHEETS)  # no table was written
    assert not any(a["func"] == "calculate" for a in actions)
    assert "Hampshire" not in written_text(actions) and "HFRS" not in written_text(actions)


def test_a_folder_inside_the_root_is_read_and_the_status_shows_no_server_path(server):
    root, _, blank = server
    status, actions, cells = outcome(blank, "2012", root)
    assert status.startswith("Files: 10 seen = 8 accepted + 2 accepted with warnings")
    assert cells["Saving lines"]  # the tables were filled
    assert str(root) not in written_text(actions) and str(root.parent) not in written_text(actions)


@pytest.mark.parametrize(
    "typed",
    ["../secret", "2012/../../secret", "{secret}", "~/../../{secret_rel}"],
    ids=["dotdot", "dotdot-inside", "absolute-elsewhere", "home-escape"],
)
def test_a_folder_outside_the_root_is_refused_and_not_read(server, typed):
    root, secret, blank = server
    typed = typed.format(secret=secret, secret_rel=str(secret).lstrip("/"))
    status, actions, cells = outcome(blank, typed, root)
    assert status == (
        f"Not run: 'Read me'!B6: {typed!r} is outside the returns folder this add-in reads from; "
        "name a folder inside it, such as 2012"
    )
    assert not cells["Saving lines"] or cells["Saving lines"] == apply(blank, [])["cells"]["Saving lines"]
    assert str(root) not in status


def test_a_symbolic_link_inside_the_root_pointing_out_is_refused(server):
    root, secret, blank = server
    (root / "shortcut").symlink_to(secret, target_is_directory=True)
    status, _, _ = outcome(blank, "shortcut", root)
    assert status.startswith("Not run: 'Read me'!B6: 'shortcut' is outside the returns folder")


def test_an_absolute_path_inside_the_root_is_accepted(server):
    root, _, blank = server
    status, _, _ = outcome(blank, str(root / "2012"), root)
    assert status.startswith("Files: 10 seen")


def test_messages_name_folders_relative_to_the_root(server):
    root, _, blank = server
    (root / "empty").mkdir()
    status, actions, _ = outcome(blank, "empty", root)
    assert status == (
        "Not run: nothing usable in empty: no accepted partner return or workstream proposal among 0 files"
    )
    status, _, _ = outcome(blank, "2013", root)
    assert status == "Not run: 'Read me'!B6: '2013' is not a folder here; give the folder that holds the returns"
    assert str(root) not in written_text(actions)


def test_a_root_that_is_not_a_folder_is_refused_without_showing_it(server, monkeypatch):
    root, _, blank = server
    status, _, _ = outcome(blank, "2012", root / "missing")
    assert status.startswith("Not run: the returns folder this add-in is set up with (JWADDIN_RETURNS_ROOT) is not")
    assert str(root) not in status


def test_shown_paths_takes_out_the_root_as_configured_and_as_resolved(tmp_path, monkeypatch):
    real = tmp_path / "real"
    (real / "2012").mkdir(parents=True)
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    monkeypatch.setenv("JWADDIN_RETURNS_ROOT", str(tmp_path / "link"))
    root = returns_root()
    assert root == real
    shown = shown_paths(root)
    assert shown(f"cannot open {real}/2012/a.xlsx") == "cannot open 2012/a.xlsx"
    assert shown(f"cannot open {tmp_path}/link/2012/a.xlsx") == "cannot open 2012/a.xlsx"
    assert shown(f"nothing in {real}") == "nothing in the returns folder"
    assert shown_paths(None)("/anything") == "/anything"


def test_locally_without_a_root_a_user_reads_their_own_folders(tmp_path, monkeypatch):
    monkeypatch.setattr(jwaddin._runtime, "ON_SERVER", False)  # classic xlwings or xlwings Lite
    monkeypatch.delenv("JWADDIN_RETURNS_ROOT", raising=False)
    assert returns_root() is None
    assert returns_folder(str(HAMPSHIRE_DIR), returns_root()) == HAMPSHIRE_DIR


def test_locally_with_a_root_the_root_holds_too(server, monkeypatch):
    root, secret, _ = server
    monkeypatch.setattr(jwaddin._runtime, "ON_SERVER", False)
    monkeypatch.setenv("JWADDIN_RETURNS_ROOT", str(root))
    assert returns_folder("2012", returns_root()) == root / "2012"
    with pytest.raises(xw.XlwingsError, match="outside the returns folder"):
        returns_folder(str(secret), returns_root())


def test_a_folder_cell_showing_an_error_says_so(server):
    root, _, blank = server
    status, _, _ = outcome(blank, "#REF!", root)  # as Office.js sends the cell's error with err_to_str
    assert status == "Not run: 'Read me'!B6 shows #REF!: put there the folder that holds the returns"


def test_a_folder_that_cannot_be_read_is_said_in_the_status_without_the_servers_path(server, monkeypatch):
    root, _, blank = server

    def denied(folder, **_):
        raise PermissionError(13, "Permission denied", str(folder))

    monkeypatch.setattr(jwmodel, "consolidate_folder", denied)
    status, _, _ = outcome(blank, "2012", root)
    assert status == "Not run: could not read the folder: [Errno 13] Permission denied: '2012'"
