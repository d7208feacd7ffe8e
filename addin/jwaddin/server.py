"""The jwmodel task pane on xlwings Server: its endpoints, and the authentication check made at start-up.

The ribbon's "Returns" button (``addin/server/templates/manifest.xml``) opens the task pane
(``templates/taskpane.html``), which calls these endpoints with htmx (xlwings Server adds the
user's token to each request):

* ``GET  /jwaddin/folders``: the folders under ``JWADDIN_RETURNS_ROOT`` to choose from;
* ``GET  /jwaddin/returns?folder=2012``: the returns in one of them;
* ``POST /jwaddin/consolidate`` (``folder``): ``jwmodel.consolidate_folder`` on it, and the run's
  status: the files read, accepted and rejected, the counts of errors and warnings, the totals;
  when the open workbook is the model workbook (the pane sends it, as ``bookData``), its tables
  are refilled from the run by ``jwaddin.scripts.fill_model``, as the consolidation script does;
* ``POST /jwaddin/check`` (``folder``, ``file``): ``jwmodel.check_files`` on one return, and its findings;
* ``GET  /jwaddin/help``: what the add-in does (the manifest's support page).

Every endpoint but ``help`` needs an authenticated user (xlwings Server's ``dep.User``). Folders and
files are held to the returns root exactly as the scripts hold them (``jwaddin.scripts``), and every
path shown is relative to it. The endpoints hold no rule of their own: they call the service layer.
"""

from __future__ import annotations

import json
import os
from typing import Any

import xlwings as xw
from fastapi import APIRouter, Form, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse
from xlwings_server import dependencies as dep
from xlwings_server.config import settings
from xlwings_server.templates import TemplateResponse, templates

import jwmodel
from jwaddin import pane
from jwaddin.scripts import fill_model, returns_folder, returns_root, shown_paths
from jwaddin.scripts import return_file as _return_file
from jwmodel.errors import JwmodelError
from jwmodel.layout import CONTROL_SHEET, MODEL_TABLES

__all__ = ["LOCAL_USE", "ServerSetupError", "authentication", "router"]

LOCAL_USE = "JWADDIN_LOCAL_USE"
_YES = ("1", "true", "yes", "on")

templates.env.globals["jwmodel_version"] = jwmodel.__version__  # the manifest's <Version>


class ServerSetupError(JwmodelError, RuntimeError):
    """The server is not set up to run safely; the message says what to set."""


def authentication(config: Any) -> str:
    """Which authentication is in force, or ServerSetupError when there is none and the server is not
    explicitly set up for local use (``JWADDIN_LOCAL_USE=true``).

    Args:
        config: xlwings Server's settings (``auth_providers``, ``auth_entraid_client_id``...).

    Returns:
        "entraid" (the providers in force), or "off: local use (JWADDIN_LOCAL_USE)".

    Raises:
        ServerSetupError: no provider and no local use; or Entra ID without its client or tenant id.
    """
    providers = list(config.auth_providers or [])
    if not providers:
        if os.environ.get(LOCAL_USE, "").strip().lower() in _YES:
            return f"off: local use ({LOCAL_USE})"
        raise ServerSetupError(
            "the jwmodel add-in will not start without authentication: set XLWINGS_AUTH_PROVIDERS='[\"entraid\"]' "
            "with XLWINGS_AUTH_ENTRAID_CLIENT_ID and XLWINGS_AUTH_ENTRAID_TENANT_ID (Microsoft Entra ID; see "
            f"docs/excel-addin.md, Authentication), or, for a trial on your own PC only, {LOCAL_USE}=true"
        )
    if "entraid" in providers:
        missing = ["XLWINGS_AUTH_ENTRAID_CLIENT_ID"] if not config.auth_entraid_client_id else []
        if not config.auth_entraid_tenant_id and not config.auth_entraid_multitenant:
            missing.append("XLWINGS_AUTH_ENTRAID_TENANT_ID")
        if missing:
            raise ServerSetupError(
                f"authentication by Microsoft Entra ID needs {' and '.join(missing)} (the add-in's app registration); "
                "see docs/excel-addin.md, Authentication"
            )
    return ", ".join(providers)


router = APIRouter(prefix=f"{settings.app_path}/jwaddin")


def _partial(request: Request, name: str, **context: Any) -> HTMLResponse:
    return TemplateResponse(request=request, name=name, context=context)


def _refused(request: Request, message: str) -> HTMLResponse:
    return _partial(request, "_jw_refused.html", message=message)


@router.get("/folders", name="jw_folders")
def folders(request: Request, current_user: dep.User) -> HTMLResponse:
    """The folders under the returns root, as the options of the pane's folder list."""
    try:
        root = returns_root()
    except JwmodelError as exc:
        return _partial(request, "_jw_options.html", options=[], empty=str(exc))
    return _partial(
        request, "_jw_options.html", options=pane.folders_under(root) if root else [], empty="no folders here"
    )


@router.get("/returns", name="jw_returns")
def returns(request: Request, current_user: dep.User, folder: str = "") -> HTMLResponse:
    """The returns in ``folder``, as the options of the pane's list of files."""
    try:
        chosen = returns_folder(folder, returns_root(), where="the folder chosen")
        options = pane.returns_in(chosen)
    except (JwmodelError, OSError):
        options = []
    return _partial(request, "_jw_options.html", options=options, empty="no .xlsx files in this folder")


def _model_book(book_data: str | None) -> xw.Book | None:
    """The workbook the pane sent, if it is the model workbook (its Read me and input tables' sheets)."""
    if not book_data:
        return None
    book = xw.Book(json=json.loads(book_data))
    names = {sheet.name for sheet in book.sheets}
    return book if CONTROL_SHEET in names and all(t.sheet in names for t in MODEL_TABLES) else None


@router.post("/consolidate", name="jw_consolidate")
def consolidate(
    request: Request,
    current_user: dep.User,
    folder: str = Form(""),
    book_data: str | None = Form(None, alias="bookData"),
) -> HTMLResponse:
    """Consolidate ``folder`` (under the returns root) with ``jwmodel.consolidate_folder``; the run's
    status, and the model workbook (if that is what the pane sent) filled from it."""
    shown = str
    try:
        root = returns_root()
        shown = shown_paths(root)
        chosen = returns_folder(folder, root, where="the folder chosen")
        run = jwmodel.consolidate_folder(chosen, progress=False)
    except (JwmodelError, jwmodel.UsageError) as exc:
        return _refused(request, shown(f"Not run: {exc}"))
    except OSError as exc:
        return _refused(request, shown(f"Not run: could not read the folder: {exc}"))
    book = _model_book(book_data) if run.usable else None
    if book is not None:
        fill_model(book, run.programme, run.consolidation, run.sources, shown=shown)
    status = pane.run_status(folder, run, shown)
    actions = jsonable_encoder(book.json()) if book is not None else None  # dates as xlwings' own route sends them
    return _partial(request, "_jw_run.html", run=status, actions=actions, sent=bool(book_data))


@router.post("/check", name="jw_check")
def check(request: Request, current_user: dep.User, folder: str = Form(""), file: str = Form("")) -> HTMLResponse:
    """Check one return in ``folder`` with ``jwmodel.check_files``; its status and findings."""
    shown = str
    try:
        root = returns_root()
        shown = shown_paths(root)
        chosen = returns_folder(folder, root, where="the folder chosen")
        path = _return_file(chosen, file, root, where="the return chosen")
        (report,) = jwmodel.check_files([path], workers=1)
    except (JwmodelError, jwmodel.UsageError) as exc:
        return _refused(request, shown(f"Not checked: {exc}"))
    except OSError as exc:
        return _refused(request, shown(f"Not checked: could not read the file: {exc}"))
    return _partial(request, "_jw_check.html", check=pane.check_status(report, shown))


@router.get("/help", name="jw_help")
def help_page(request: Request) -> HTMLResponse:
    """What the add-in does and where its documentation is (public: the manifest's support page)."""
    return _partial(request, "jw_help.html")
