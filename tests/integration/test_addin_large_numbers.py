"""Very large numbers (1E+30, Excel's 1E+308 and -1E+308) in any numeric cell of any JW_ function come
back from the real xlwings Server app as 400 with a message the cell shows (#VALUE!), never as a 500
(which Excel's add-in retries) or a figure computed from them."""

from __future__ import annotations

import copy
import os
from pathlib import Path

SERVER_PROJECT = Path(__file__).resolve().parents[2] / "addin" / "server"
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
os.environ["XLWINGS_PROJECT_DIR"] = str(SERVER_PROJECT)
os.environ.setdefault("JWADDIN_LOCAL_USE", "true")  # the server refuses to start without auth otherwise

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from jwaddin.offline import payload  # noqa: E402

from jwmodel.figures import beyond_limit  # noqa: E402
from tests.integration.test_addin_cell_errors import EVERY_CALL, parameters  # noqa: E402

HUGE = (1e30, 1e308, -1e308)


@pytest.fixture(scope="module")
def client() -> TestClient:
    from xlwings_server.main import app

    return TestClient(app, raise_server_exceptions=False)


def post(client: TestClient, name: str, args: list[object]):
    return client.post("/xlwings/custom-functions-call", json=payload(name, args))


def numeric_cells(arg: list[list[object]] | None) -> list[tuple[int, int]]:
    """Where a number goes in an argument: its numeric cells, or its one cell (empty or text)."""
    if arg is None or (len(arg) == 1 and len(arg[0]) == 1):
        return [(0, 0)]
    return [
        (r, c)
        for r, row in enumerate(arg)
        for c, v in enumerate(row)
        if isinstance(v, (int, float)) and not isinstance(v, bool)
    ]


def test_the_cases_from_the_issue_are_400_with_the_message(client):
    response = post(client, "JW_APPORTION", [[[1e30]], [[1, 1]], None])
    assert (response.status_code, response.text) == (400, f"amount: {beyond_limit('1E+30')}")
    response = post(client, "JW_NPV", [[[1e308, -1e308]], None])
    assert (response.status_code, response.text) == (400, f"cashflows, year 0: {beyond_limit('1E+308')}")


def _with(name: str, index: int, cell: tuple[int, int], value: float) -> list[object]:
    """The function's working arguments with ``value`` in one cell of argument ``index``."""
    changed = copy.deepcopy(EVERY_CALL[name]) + [None] * (len(parameters(name)) - len(EVERY_CALL[name]))
    if changed[index] is None:
        changed[index] = [[value]]
    else:
        changed[index][cell[0]][cell[1]] = value
    return changed


CASES = [
    (name, index, cell, value)
    for name, args in EVERY_CALL.items()
    for index in range(len(parameters(name)))
    for cell in {
        *numeric_cells(args[index] if index < len(args) else None)[:1],
        *numeric_cells(args[index] if index < len(args) else None)[-1:],
    }
    for value in HUGE
]


def test_every_argument_of_every_function_is_tried():
    tried = {(name, index) for name, index, _, _ in CASES}
    assert tried == {(name, i) for name in EVERY_CALL for i in range(len(parameters(name)))}


@pytest.mark.parametrize(("name", "index", "cell", "value"), CASES)
def test_a_huge_number_in_any_argument_is_400_with_a_message_naming_it(client, name, index, cell, value):
    response = post(client, name, _with(name, index, cell, value))
    assert response.status_code == 400, response.text
    what = parameters(name)[index]
    assert response.text.startswith(what) or response.text.startswith("savings and costs"), response.text
    assert "Traceback" not in response.text
    assert "beyond" in response.text or "above the 20%" in response.text or "negative" in response.text


def test_a_figure_at_the_limit_still_works(client):
    response = post(client, "JW_APPORTION", [[[10**12]], [[1, 1]], [[0]]])
    assert response.json() == {"result": [[500_000_000_000, 500_000_000_000]]}
