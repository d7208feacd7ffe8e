"""Through the real xlwings Server application (its test client), configured from addin/server as
a deployment would be: the functions register without a namespace, a good call returns the
engine's figures, and a bad argument comes back as an error the cell shows with its message."""

from __future__ import annotations

import os
from pathlib import Path

SERVER_PROJECT = Path(__file__).resolve().parents[2] / "addin" / "server"
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
os.environ["XLWINGS_PROJECT_DIR"] = str(SERVER_PROJECT)  # where xlwings Server finds custom_functions/
os.environ.setdefault("JWADDIN_LOCAL_USE", "true")  # the server refuses to start without auth otherwise

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from jwaddin.offline import payload  # noqa: E402


@pytest.fixture(scope="module")
def client() -> TestClient:
    from xlwings_server.main import app

    return TestClient(app)


def test_the_server_loads_the_addins_functions_from_the_project_folder(client):
    import custom_functions
    import custom_scripts

    assert Path(custom_functions.__file__).parent == SERVER_PROJECT / "custom_functions"
    assert Path(custom_scripts.__file__).parent == SERVER_PROJECT / "custom_scripts"


def test_functions_meta_lists_every_function_without_a_namespace(client):
    response = client.get("/xlwings/custom-functions-meta")
    assert response.status_code == 200
    names = {f["name"] for f in response.json()["functions"]}
    assert names == {
        "JW_SHARES",
        "JW_APPORTION",
        "JW_SAVINGS_SUMMARY",
        "JW_BY_PARTNER",
        "JW_CHECK_TOTAL",
        "JW_FINDINGS",
        "JW_NPV",
        "JW_PAYBACK",
        "JW_SWITCHING_VALUE",
        "JW_OPTION_SCORES",
    }


def test_the_manifest_declares_no_function_namespace(client):
    manifest = client.get("/manifest.xml")
    assert manifest.status_code == 200
    assert "Functions.Namespace" not in manifest.text


def test_a_call_returns_the_engines_figures(client):
    response = client.post("/xlwings/custom-functions-call", json=payload("jw_shares", [[[1314, 333, 3253]], None]))
    assert response.status_code == 200
    assert response.json() == {"result": [[27, 7, 66]]}
    response = client.post(
        "/xlwings/custom-functions-call", json=payload("jw_apportion", [[[-10]], [[27, 7, 66]], None])
    )
    assert response.json() == {"result": [[-2.7, -0.7, -6.6]]}


def test_a_bad_argument_comes_back_as_an_error_the_cell_shows_with_its_message(client):
    response = client.post("/xlwings/custom-functions-call", json=payload("jw_shares", [[[1314, "n/a", 3253]], None]))
    # 400 with the message as text: the add-in's JavaScript turns it into #VALUE! whose
    # message (shown on the cell) is this text; 4xx is never retried.
    assert response.status_code == 400
    assert response.text == "weights, item 2: expected a number such as 1234.5, -56 or (56), got 'n/a'"
    assert "Traceback" not in response.text


def test_a_cell_showing_an_excel_error_comes_back_as_an_error_naming_it(client):
    not_available = {"type": "Error", "basicType": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
    response = client.post(
        "/xlwings/custom-functions-call", json=payload("jw_check_total", [[[3216], [not_available]], [[3216]]])
    )
    assert response.status_code == 400  # before: 200 with "OK", the error taken as an empty cell
    assert response.text == "values, item 2: the cell shows #N/A; correct it or leave it empty"
