"""`jwmodel templates`: one partner return per partner and one workstream proposal per service area,
made from the programme definition, ready to send; duplicate codes refused; nothing replaced without
--force; table headers locked and not coloured like inputs; every argument documented; --version."""

from __future__ import annotations

import argparse
import importlib.metadata
import json

import openpyxl
import pytest

import jwmodel
from jwmodel.cli import main, parser
from jwmodel.definition import ProgrammeDefinition
from jwmodel.excel import schema as s
from jwmodel.excel.templates import template_files
from jwmodel.model import Partner
from tests.conftest import HAMPSHIRE_DIR

INPUT_FILL = "FFFFF2CC"  # the yellow of an input cell
PROGRAMME = [
    "--partner",
    "ALP=Alpha Council",
    "--partner",
    "BET=Beta Borough Council",
    "--service",
    "ICT",
    "--service",
    "Learning & Development",
    "--year",
    "2013/14",
]


def cover(path) -> dict[str, openpyxl.cell.Cell]:
    ws = openpyxl.load_workbook(path)[s.COVER]
    return {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}


def test_one_return_per_partner_and_one_proposal_per_service_with_the_cover_filled_in(tmp_path, capsys):
    out = tmp_path / "to-send"
    assert main(["templates", str(out), *PROGRAMME]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "monitoring-ALP.xlsx",
        "monitoring-BET.xlsx",
        "programme.json",
        "proposal-ict.xlsx",
        "proposal-learning-and-development.xlsx",
        "return-ALP.xlsx",
        "return-BET.xlsx",
    ]
    assert capsys.readouterr().out.count("Wrote ") == 7
    for code, name, kind in (
        ("ALP", "Alpha Council", "return"),
        ("BET", "Beta Borough Council", "return"),
        ("ALP", "Alpha Council", "monitoring"),
    ):
        fields = cover(out / f"{kind}-{code}.xlsx")
        assert (fields["Partner code"].value, fields["Partner name"].value) == (code, name)
        assert fields["Financial year"].value == "2013/14", kind
        assert fields["Partner code"].protection.locked and fields["Partner name"].protection.locked
        assert not fields["Contact name"].protection.locked  # still the partner's to fill in
    for file, service in (
        ("proposal-ict.xlsx", "ICT"),
        ("proposal-learning-and-development.xlsx", "Learning & Development"),
    ):
        fields = cover(out / file)
        assert fields["Service area"].value == service and fields["Service area"].protection.locked
        assert fields["Financial year"].value == "2013/14"
    assert [p["code"] for p in json.loads((out / "programme.json").read_text(encoding="utf-8"))["partners"]] == [
        "ALP",
        "BET",
    ]


def test_a_sent_return_is_recognised_as_that_partners_by_check(tmp_path, capsys):
    assert main(["templates", str(tmp_path), "--programme", str(HAMPSHIRE_DIR / "programme.json")]) == 0
    (report,) = jwmodel.check_files([tmp_path / "return-HFRS.xlsx"], workers=1)
    assert report.kind == "partner return" and report.ok
    assert report.taken.startswith("partner HFRS")
    assert {f.code for f in report.findings} == {"COVER_BLANK"}  # only what the partner has still to fill in


@pytest.mark.parametrize(
    ("partners", "said"),
    [
        (["HC=Hampshire Constabulary", "HC=Hampshire County Council"], "partners[1].code: 'HC' is given twice"),
        (["HC=Hampshire Constabulary", "hc=Hampshire County Council"], "partners[1].code: 'hc' is given twice"),
    ],
)
def test_a_partner_code_given_twice_is_refused_and_nothing_is_written(tmp_path, capsys, partners, said):
    args = ["templates", str(tmp_path / "t")]
    for p in partners:
        args += ["--partner", p]
    assert main([*args, "--service", "Legal"]) == 1
    err = capsys.readouterr().err
    assert err == f"jwmodel: --partner/--service/--year: {said} (also partners[0])\n"
    assert not (tmp_path / "t").exists()


def test_a_service_area_given_twice_is_refused(tmp_path, capsys):
    args = ["templates", str(tmp_path / "t"), "--partner", "A=Alpha", "--service", "ICT", "--service", "ICT"]
    assert main(args) == 1
    assert "service_areas[1]: 'ICT' is given twice (also service_areas[0])" in capsys.readouterr().err
    assert not (tmp_path / "t").exists()


def test_files_already_there_are_never_replaced_without_force(tmp_path, capsys):
    assert main(["templates", str(tmp_path), *PROGRAMME]) == 0
    (tmp_path / "return-ALP.xlsx").write_bytes(b"the partner's own work")
    (tmp_path / "programme.json").unlink()
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    capsys.readouterr()
    assert main(["templates", str(tmp_path), *PROGRAMME]) == 1
    assert capsys.readouterr().err == (
        f"jwmodel: {tmp_path / 'return-ALP.xlsx'} and 5 more already exist; nothing was written. "
        "Give another folder, or add --force to replace them\n"
    )
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # programme.json not written either
    assert main(["templates", str(tmp_path), *PROGRAMME, "--force"]) == 0
    assert cover(tmp_path / "return-ALP.xlsx")["Partner code"].value == "ALP"
    assert (tmp_path / "programme.json").is_file()


def test_names_that_would_give_one_file_name_get_their_own(tmp_path):
    definition = ProgrammeDefinition((Partner("A", "Alpha"),), ("ICT", "ICT!", "ict.", "ICT & Digital"))
    assert [f.name for f in template_files(definition)] == [
        "return-A.xlsx",
        "proposal-ict.xlsx",
        "proposal-ict-2.xlsx",
        "proposal-ict-3.xlsx",
        "proposal-ict-and-digital.xlsx",
        "monitoring-A.xlsx",
    ]
    written = jwmodel.write_templates(tmp_path, definition)
    assert [cover(p)["Service area"].value for p in written[1:5]] == ["ICT", "ICT!", "ict.", "ICT & Digital"]


@pytest.mark.parametrize("name", ["return-ALP.xlsx", "proposal-ict.xlsx", "monitoring-BET.xlsx"])
def test_table_headers_are_locked_and_not_coloured_like_inputs(tmp_path, name):
    main(["templates", str(tmp_path), *PROGRAMME])
    wb = openpyxl.load_workbook(tmp_path / name)
    tables = [(ws, t) for ws in wb.worksheets for t in ws.tables.values()]
    # a return: Baseline, Targets, Recharges; a monitoring return: Delivered, Spend, Measurements, Actual drivers
    assert len(tables) == {"return": 3, "proposal": 4, "monitoring": 4}[name.split("-")[0]]
    for ws, table in tables:
        assert ws.protection.sheet, ws.title
        header_row = ws[table.ref.split(":")[0]].row
        first, last = ws[table.ref.split(":")[0]].column, ws[table.ref.split(":")[1]].column
        for col in range(first, last + 1):
            header, data = ws.cell(header_row, col), ws.cell(header_row + 1, col)
            assert header.protection.locked, (ws.title, header.value)
            assert header.fill.fgColor.rgb != INPUT_FILL, (ws.title, header.value)
            assert not data.protection.locked and data.fill.fgColor.rgb == INPUT_FILL, (ws.title, header.value)
        for row in (1, 2):  # the title and the guidance above the table
            assert ws.cell(row, 1).protection.locked and ws.cell(row, 1).fill.fgColor.rgb != INPUT_FILL


def test_every_argument_of_templates_is_documented_in_help():
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    templates = sub.choices["templates"]
    undocumented = [a.dest for a in templates._actions if not a.help or a.help == argparse.SUPPRESS]
    assert undocumented == []
    assert {a.dest for a in templates._actions} >= {
        "outdir",
        "partner",
        "service",
        "year",
        "name",
        "programme",
        "force",
    }
    assert "one partner return per partner" in templates.format_help()


def test_version_is_the_installed_packages(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"jwmodel {importlib.metadata.version('jwmodel')}\n"
    assert jwmodel.__version__ == importlib.metadata.version("jwmodel")
