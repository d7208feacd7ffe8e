"""The add-in on xlwings Server, through the real xlwings Server app (its test client), configured from
addin/server as a deployment is: the project's own manifest, the ribbon button that opens the task
pane, the pane's endpoints running a consolidation and a check through the service layer, the
scripts' buttons in custom-scripts-meta, and authentication (Microsoft Entra ID) on every endpoint."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import uuid
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

SERVER_PROJECT = Path(__file__).resolve().parents[2] / "addin" / "server"
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
os.environ["XLWINGS_PROJECT_DIR"] = str(SERVER_PROJECT)
os.environ.setdefault("JWADDIN_LOCAL_USE", "true")  # the server refuses to start without auth otherwise

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from tests.conftest import HAMPSHIRE_DIR  # noqa: E402

OFFICE = "{http://schemas.microsoft.com/office/appforoffice/1.1}"
OV = "{http://schemas.microsoft.com/office/taskpaneappversionoverrides}"
BT = "{http://schemas.microsoft.com/office/officeappbasictypes/1.0}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
# The order of OfficeApp's children the Office add-in manifest schema (OfficeAppManifestV1_1.xsd) requires.
OFFICEAPP_ORDER = [
    "Id",
    "AlternateId",
    "Version",
    "ProviderName",
    "DefaultLocale",
    "DisplayName",
    "Description",
    "IconUrl",
    "HighResolutionIconUrl",
    "SupportUrl",
    "AppDomains",
    "Hosts",
    "Requirements",
    "DefaultSettings",
    "Permissions",
    "AllowSnapshot",
    "VersionOverrides",
]


@pytest.fixture(scope="module")
def client() -> TestClient:
    from xlwings_server.main import app

    return TestClient(app)


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    """A returns root holding 2012 (the Hampshire returns), and a folder outside it."""
    returns = tmp_path / "returns"
    shutil.copytree(HAMPSHIRE_DIR, returns / "2012")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "payroll.xlsx").write_bytes(b"not for the pane")
    monkeypatch.setenv("JWADDIN_RETURNS_ROOT", str(returns))
    return returns


class Cells(HTMLParser):
    """Text by element id, table rows by table id, and data-status counts, from a pane's partial."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: dict[str, str] = {}
        self.rows: dict[str, list[list[str]]] = {}
        self.counts: dict[str, int] = {}
        self._open: list[tuple[str, str | None, dict]] = []
        self._table: str | None = None
        self._row: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id")
            self.rows[self._table] = []
        if tag == "tr" and self._table:
            self._row = []
        self._open.append((tag, a.get("id"), a))
        self._text = ""

    def handle_data(self, data):
        self._text = getattr(self, "_text", "") + data

    def handle_endtag(self, tag):
        if not self._open:
            return
        _, ident, attrs = self._open.pop()
        text = " ".join(self._text.split())
        if ident:
            self.ids[ident] = text
        if "data-status" in attrs:
            self.counts[attrs["data-status"]] = int(text)
        if tag in ("td", "th") and self._row is not None:
            self._row.append(text)
        if tag == "tr" and self._row is not None:
            self.rows[self._table].append(self._row)
            self._row = None
        self._text = ""


# --- the manifest -----------------------------------------------------------------------------------


def manifest(client: TestClient) -> ET.Element:
    response = client.get("/manifest.xml")
    assert response.status_code == 200
    return ET.fromstring(response.text.encode())


def test_the_manifest_is_the_projects_own_with_a_unique_id_name_icons_and_group(client):
    from xlwings_server.config import Settings

    m = manifest(client)
    ours = tomllib.loads((SERVER_PROJECT / "pyproject.toml").read_text())["tool"]["xlwings_server"]
    assert m.findtext(f"{OFFICE}Id") == ours["manifest_id_prod"]
    assert uuid.UUID(ours["manifest_id_prod"]).version == 4
    templates_ids = {
        str(Settings.model_fields[f"manifest_id_{e}"].default) for e in ("dev", "qa", "uat", "staging", "prod")
    }
    assert not templates_ids & {ours[f"manifest_id_{e}"] for e in ("dev", "qa", "uat", "staging", "prod")}
    assert m.findtext(f"{OFFICE}ProviderName") == "jwmodel"
    assert m.find(f"{OFFICE}DisplayName").get("DefaultValue") == "jwmodel"
    strings = {s.get("id"): s.get("DefaultValue") for s in m.iter(f"{BT}String")}
    assert strings["JwmodelGroup.Label"] == "Joint working" and strings["JwmodelReturnsButton.Label"] == "Returns"
    text = ET.tostring(m, encoding="unicode")
    for template_leftover in ("Hello World", "MyGroup", "hello-ribbon", "xlwings-32.png", "xlwings.org"):
        assert template_leftover not in text


def test_the_ribbon_has_one_button_and_it_opens_the_task_pane(client):
    m = manifest(client)
    controls = list(m.iter(f"{OV}Control"))
    assert [c.get("id") for c in controls] == ["JwmodelReturnsButton"]
    action = controls[0].find(f"{OV}Action")
    assert action.get(XSI_TYPE) == "ShowTaskpane"
    urls = {u.get("id"): u.get("DefaultValue") for u in m.iter(f"{BT}Url")}
    assert urls[action.find(f"{OV}SourceLocation").get("resid")].endswith("/taskpane.html")
    assert m.find(f".//{OV}FunctionFile") is None  # no button runs a function
    assert "Office.actions.associate" not in client.get("/static/js/ribbon.js").text


def test_every_icon_the_manifest_names_is_served_at_its_size(client):
    m = manifest(client)
    images = {i.get("id"): i.get("DefaultValue") for i in m.iter(f"{BT}Image") if i.get("DefaultValue")}
    urls = [*images.values(), m.find(f"{OFFICE}IconUrl").get("DefaultValue")]
    urls.append(m.find(f"{OFFICE}HighResolutionIconUrl").get("DefaultValue"))
    for url in urls:
        path = re.sub(r"^https?://[^/]+", "", url)
        response = client.get(path)
        assert response.status_code == 200 and response.content[:8] == b"\x89PNG\r\n\x1a\n", url
        width = int.from_bytes(response.content[16:20], "big")
        assert path.endswith(f"jwmodel-{width}.png"), (url, width)


def test_the_manifest_keeps_the_rules_of_the_office_add_in_manifest_schema(client):
    """The schema's rules that apply here (its XSD is not available offline): element order, an Id that
    is a UUID, a dotted Version, string lengths, every resid resolving, https-ready absolute URLs."""
    m = manifest(client)
    children = [c.tag.replace(OFFICE, "").replace(OV, "") for c in m]
    assert children == [t for t in OFFICEAPP_ORDER if t in children]
    assert m.get(XSI_TYPE) == "TaskPaneApp"
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", m.findtext(f"{OFFICE}Id"))
    assert re.fullmatch(r"([0-9]{1,5})(\.[0-9]{1,5}){0,3}", m.findtext(f"{OFFICE}Version"))
    assert m.findtext(f"{OFFICE}Permissions") == "ReadWriteDocument"
    for tag, limit in (("DisplayName", 125), ("Description", 250)):
        assert 0 < len(m.find(f"{OFFICE}{tag}").get("DefaultValue")) <= limit
    resources = {r.get("id") for kind in ("Image", "Url", "String") for r in m.iter(f"{BT}{kind}")}
    referenced = {e.get("resid") for e in m.iter() if e.get("resid")}
    assert referenced <= resources, referenced - resources
    assert all(len(s.get("DefaultValue")) <= 125 for s in m.find(f".//{BT}ShortStrings"))
    assert all(len(s.get("DefaultValue")) <= 250 for s in m.find(f".//{BT}LongStrings"))
    for element in m.iter():
        for name in ("DefaultValue",):
            value = element.get(name, "")
            if value.startswith("http"):
                assert value.startswith("http://testserver/"), value  # the server's own address


def test_the_manifest_declares_entra_id_single_sign_on_when_it_is_the_provider(client, monkeypatch):
    from xlwings_server.config import settings

    assert manifest(client).find(f".//{OV}WebApplicationInfo") is None
    monkeypatch.setattr(settings, "auth_providers", ["entraid"])
    monkeypatch.setattr(settings, "auth_entraid_client_id", "8c1d6f8e-0000-4000-8000-00000000c1d0")
    info = manifest(client).find(f".//{OV}WebApplicationInfo")
    assert info.findtext(f"{OV}Id") == "8c1d6f8e-0000-4000-8000-00000000c1d0"


# --- the task pane and its endpoints -----------------------------------------------------------------


def test_the_task_pane_offers_both_actions_and_a_place_for_the_status(client):
    page = client.get("/taskpane.html")
    assert page.status_code == 200
    assert "Consolidate returns" in page.text and "Check one return" in page.text
    for endpoint in ("/jwaddin/folders", "/jwaddin/returns", "/jwaddin/consolidate", "/jwaddin/check"):
        assert endpoint in page.text
    assert 'id="jw-status"' in page.text
    support = client.get("/jwaddin/help")  # the manifest's SupportUrl: public, says what the add-in does
    assert support.status_code == 200 and "Returns" in support.text


def test_the_pane_offers_the_folders_under_the_root_and_the_returns_in_one(client, root):
    (root / "2013" / "drafts").mkdir(parents=True)
    (root / "outside").symlink_to(root.parent / "secret", target_is_directory=True)
    folders = re.findall(r'<option value="([^"]*)">', client.get("/jwaddin/folders").text)
    assert folders == ["2012", "2013", "2013/drafts"]  # the link pointing out is not offered
    files = re.findall(r'<option value="([^"]*)">', client.get("/jwaddin/returns", params={"folder": "2012"}).text)
    assert files == sorted(p.name for p in HAMPSHIRE_DIR.glob("*.xlsx"))
    outside = client.get("/jwaddin/returns", params={"folder": "../secret"}).text
    assert "payroll" not in outside


def test_consolidate_returns_runs_the_folder_and_shows_the_runs_status(client, root):
    response = client.post("/jwaddin/consolidate", data={"folder": "2012"})
    assert response.status_code == 200
    cells = Cells(response.text)
    # the published Hampshire case: 10 files, HFRS's and HCC's stated totals differ from their rows
    assert cells.counts == {
        "accepted": 8,
        "accepted with warnings": 2,
        "used in part": 0,
        "rejected": 0,
        "superseded": 0,
        "skipped": 0,
    }
    assert (cells.ids["jw-errors"], cells.ids["jw-warnings"]) == ("0", "3")
    # Appendix A's total: recurring (182) / (337), one-off 96 / 124 (£000s)
    assert cells.rows["jw-totals"][1:] == [
        ["Recurring cost/(saving)", "(182)", "(337)"],
        ["One-off costs", "96", "124"],
    ]
    files = {row[0]: row[1] for row in cells.rows["jw-files"][1:]}
    assert set(files) == {p.name for p in HAMPSHIRE_DIR.glob("*.xlsx")}
    assert files["return-HFRS.xlsx"] == files["return-HCC.xlsx"] == "accepted with warnings"
    assert "jw-banner" not in cells.ids
    assert str(root) not in response.text and str(root.parent) not in response.text


def test_a_rejected_file_shows_the_incomplete_banner_and_its_reason(client, root):
    (root / "2012" / "broken.xlsx").write_bytes(b"PK\x03\x04 damaged")
    cells = Cells(client.post("/jwaddin/consolidate", data={"folder": "2012"}).text)
    assert cells.ids["jw-banner"].startswith("INCOMPLETE: 1 file rejected")
    assert cells.counts["rejected"] == 1 and sum(cells.counts.values()) == 11
    broken = next(row for row in cells.rows["jw-files"] if row[0] == "broken.xlsx")
    assert broken[1] == "rejected" and broken[2]  # a reason is given


def test_in_the_model_workbook_consolidate_returns_also_refills_its_tables(client, root, tmp_path):
    import json

    from jwaddin.offline import book_json

    from jwmodel.consolidation import consolidate
    from jwmodel.excel.model_workbook import write_model_workbook
    from jwmodel.model import Programme
    from tests.integration.test_addin_scripts import apply

    blank = write_model_workbook(tmp_path / "blank.xlsx", Programme(), consolidate(Programme()))
    sent = {"folder": "2012", "bookData": json.dumps(book_json(blank))}
    response = client.post("/jwaddin/consolidate", data=sent)
    cells = Cells(response.text)
    assert cells.ids["jw-workbook"] == "This workbook's tables were refilled from these returns."
    actions = json.loads(re.search(r"<script id=\"book-data\"[^>]*>(.*?)</script>", response.text, re.S)[1])
    after = apply(blank, actions["actions"])["cells"]
    assert after["Read me"][(6, 1)].startswith("Files: 10 seen = 8 accepted + 2 accepted with warnings")
    lines = {v for (r, c), v in after["Saving lines"].items() if r > 3 and isinstance(v, str)}
    assert "Legal Services" in lines and actions["actions"][-1]["func"] == "calculate"
    assert str(root) not in response.text
    other = {"folder": "2012", "bookData": json.dumps(book_json(HAMPSHIRE_DIR / "return-HC.xlsx"), default=str)}
    cells = Cells(client.post("/jwaddin/consolidate", data=other).text)
    assert cells.ids["jw-workbook"] == "This workbook is not the jwmodel model workbook: nothing was written into it."


@pytest.mark.parametrize("typed", ["../secret", "/etc", "2012/../../secret"])
def test_a_folder_outside_the_root_is_refused_and_not_read(client, root, typed):
    cells = Cells(client.post("/jwaddin/consolidate", data={"folder": typed}).text)
    assert cells.ids["jw-outcome"] == (
        f"Not run: the folder chosen: {typed!r} is outside the returns folder this add-in reads from; "
        "name a folder inside it, such as 2012"
    )


def test_without_a_root_the_pane_reads_nothing_and_says_why(client, monkeypatch):
    monkeypatch.delenv("JWADDIN_RETURNS_ROOT", raising=False)
    cells = Cells(client.post("/jwaddin/consolidate", data={"folder": "2012"}).text)
    assert cells.ids["jw-outcome"].startswith("Not run: this server reads no returns until its administrator sets")
    assert "this server reads no returns" in client.get("/jwaddin/folders").text


def test_check_one_return_shows_its_status_and_each_finding_located(client, root):
    response = client.post("/jwaddin/check", data={"folder": "2012", "file": "return-HFRS.xlsx"})
    cells = Cells(response.text)
    assert cells.ids["jw-check-status"].startswith("accepted with warnings")
    # HFRS states a net baseline of 7,514 on its cover; its rows add up to 3,216 (the published figures)
    mismatch = next(row for row in cells.rows["jw-findings"][1:] if row[1] == "BASELINE_TOTAL_MISMATCH")
    assert mismatch[0] == "warning" and mismatch[2].startswith("'Cover'!B")
    assert "7,514" in mismatch[3] and "3,216" in mismatch[3]


def test_check_refuses_a_file_outside_the_root(client, root):
    cells = Cells(client.post("/jwaddin/check", data={"folder": "2012", "file": "../../secret/payroll.xlsx"}).text)
    assert cells.ids["jw-outcome"] == (
        "Not checked: the return chosen: '../../secret/payroll.xlsx' is outside the returns folder "
        "this add-in reads from"
    )


# --- the scripts' buttons ------------------------------------------------------------------------------


def test_scripts_meta_lists_both_scripts_with_their_buttons_on_read_me(client):
    meta = {s["function_name"]: s for s in client.get("/xlwings/custom-scripts-meta").json()}
    assert set(meta) == {"jw_consolidate_returns", "jw_check_return"}
    assert meta["jw_consolidate_returns"]["button"] == "'Read me'!C6"
    assert meta["jw_check_return"]["button"] == "'Read me'!C8"
    assert not meta["jw_consolidate_returns"]["show_taskpane"]


# --- authentication ------------------------------------------------------------------------------------


def _entra(monkeypatch):
    """Entra ID as the provider, with this test's own signing key standing in for Microsoft's."""
    from joserfc import jwt
    from joserfc.jwk import KeySet, RSAKey
    from xlwings_server.auth.entraid import jwks
    from xlwings_server.config import settings

    client_id, tenant = "3f1c9a2e-0000-4000-8000-0000000000c1", "9b2d4e6f-0000-4000-8000-00000000a7e1"
    monkeypatch.setattr(settings, "auth_providers", ["entraid"])
    monkeypatch.setattr(settings, "auth_entraid_client_id", client_id)
    monkeypatch.setattr(settings, "auth_entraid_tenant_id", tenant)
    key = RSAKey.generate_key(2048, parameters={"kid": "test"})

    async def key_set():
        return KeySet([key]).as_dict(private=False)

    monkeypatch.setattr(jwks, "get_jwks_json", key_set)

    def token(audience: str = client_id) -> str:
        claims = {"ver": "2.0", "aud": audience, "iss": f"https://login.microsoftonline.com/{tenant}/v2.0"}
        claims |= {"name": "Programme Office", "oid": "0001", "preferred_username": "po@example.invalid"}
        return "Bearer " + jwt.encode({"alg": "RS256", "kid": "test"}, claims, key)

    return token


def test_with_entra_id_every_endpoint_needs_a_valid_token(client, root, monkeypatch):
    token = _entra(monkeypatch)
    assert client.post("/jwaddin/consolidate", data={"folder": "2012"}).status_code == 401
    assert client.get("/jwaddin/folders").status_code == 401
    assert client.post("/jwaddin/check", data={"folder": "2012", "file": "return-HC.xlsx"}).status_code == 401
    wrong = client.post("/jwaddin/consolidate", data={"folder": "2012"}, headers={"Authorization": token("other")})
    assert wrong.status_code == 401
    signed_in = client.post("/jwaddin/consolidate", data={"folder": "2012"}, headers={"Authorization": token()})
    assert signed_in.status_code == 200 and Cells(signed_in.text).counts["accepted"] == 8
    assert client.get("/taskpane.html").status_code == 200  # the landing page Office loads stays public


def test_the_server_will_not_start_without_authentication_unless_set_for_local_use():
    from jwaddin.server import ServerSetupError, authentication
    from xlwings_server.config import Settings

    with pytest.MonkeyPatch.context() as env:
        env.delenv("JWADDIN_LOCAL_USE", raising=False)
        with pytest.raises(ServerSetupError, match="will not start without authentication"):
            authentication(Settings(auth_providers=[]))
        env.setenv("JWADDIN_LOCAL_USE", "true")
        assert authentication(Settings(auth_providers=[])) == "off: local use (JWADDIN_LOCAL_USE)"
        with pytest.raises(ServerSetupError, match="needs XLWINGS_AUTH_ENTRAID_TENANT_ID"):
            authentication(Settings(auth_providers=["entraid"], auth_entraid_client_id="x"))
        entra = Settings(auth_providers=["entraid"], auth_entraid_client_id="x", auth_entraid_tenant_id="y")
        assert authentication(entra) == "entraid"


def test_starting_the_real_server_without_authentication_fails_with_the_reason():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_AUTH", "JWADDIN_"))}
    env |= {"XLWINGS_PROJECT_DIR": str(SERVER_PROJECT), "XLWINGS_LICENSE_KEY": "noncommercial"}
    started = subprocess.run(
        [sys.executable, "-c", "import xlwings_server.main"], env=env, capture_output=True, text=True, timeout=120
    )
    assert started.returncode != 0
    assert "ServerSetupError: the jwmodel add-in will not start without authentication" in started.stderr
