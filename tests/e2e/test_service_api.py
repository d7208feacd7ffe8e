"""The public Python API: one pipeline behind the command, the add-in's script and Python users.

Expected figures are Hampshire's published ones, worked out by hand from the 2012 report:
each partner's recurring share HC (129.04)/(213.19), HFRS (4.11)/(18.52), HCC (48.85)/(105.29),
which add up to the programme's (182)/(337); one-off costs 96/124 in all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import jwmodel
from jwmodel.cli import main
from jwmodel.summary import summary
from jwmodel.tables.outputs import BY_PARTNER, FINDINGS, OUTPUTS, SOURCES
from tests.conftest import HAMPSHIRE_DIR

ROOT = Path(__file__).resolve().parents[2]
RECURRING = {"HC": (-129.04, -213.19), "HFRS": (-4.11, -18.52), "HCC": (-48.85, -105.29)}


@pytest.fixture(scope="module")
def run() -> jwmodel.Run:
    return jwmodel.consolidate_folder(HAMPSHIRE_DIR, progress=False)


def test_the_package_exports_the_service_layer_and_nothing_private():
    assert set(jwmodel.__all__) >= {"consolidate_folder", "check_files", "compare", "Run", "Report"}
    assert all(not name.startswith("_") or name == "__version__" for name in jwmodel.__all__)


def test_python_c_prints_the_per_partner_table():
    code = (
        "import jwmodel; r = jwmodel.consolidate_folder('workbooks/examples/hampshire-2012'); "
        "print(r.to_pandas('by_partner'))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "partner" in out and "HFRS" in out and "Legal Services" in out
    assert "[49 rows x 12 columns]" in out  # 11 saving lines and 6 one-off costs, each split between its partners


def test_each_partners_share_sums_to_the_published_figures(run):
    frame = run.to_pandas("by_partner")
    assert list(frame.columns) == list(BY_PARTNER.keys)
    counted = frame[frame["counted"] & (frame["kind"] == "saving")]
    sums = counted.groupby("partner")[["low", "high"]].sum().round(3)
    for partner, (low, high) in RECURRING.items():
        assert (sums.loc[partner, "low"], sums.loc[partner, "high"]) == (low, high)
    one_off = frame[frame["kind"] == "one-off"][["low", "high"]].sum().round(3)
    assert (one_off["low"], one_off["high"]) == (96, 124)


def test_the_partners_table_gives_the_same_totals(run):
    partners = run.to_pandas("partners").set_index("partner")
    for partner, (low, high) in RECURRING.items():
        assert (partners.loc[partner, "recurring_low"], partners.loc[partner, "recurring_high"]) == (low, high)


def test_every_table_has_its_declared_columns(run):
    assert run.tables() == tuple(o.table.name for o in OUTPUTS)
    for name in run.tables():
        frame = run.to_pandas(name)
        table = next(o.table for o in OUTPUTS if o.table.name == name)
        assert list(frame.columns) == list(table.keys), name
    assert len(run.to_pandas("sources")) == 10 and len(run.to_pandas("lines")) == 17
    summary_frame = run.to_pandas("summary").set_index("service")
    assert summary_frame.loc["Legal Services", ["recurring_low", "recurring_high"]].tolist() == [-6, -9]
    assert round(summary_frame["one_off_low"].sum(), 3) == 96
    with pytest.raises(KeyError, match="tables are: summary"):
        run.to_pandas("nonsense")


def test_appraisal_by_year_runs_over_the_plan_from_the_returns_year(run):
    frame = run.to_pandas("appraisal")
    programme = frame[(frame["scope"] == "programme") & (frame["case"] == "central")]
    assert programme["year"].tolist() == ["2012/13", "2013/14", "2014/15", "2015/16", "2016/17"]
    # net = savings + costs in every row
    assert ((frame["savings"] + frame["costs"] - frame["net"]).abs() < 1e-9).all()


def test_tables_flag_writes_csv_and_parquet_that_read_back_to_the_same_figures(tmp_path):
    out = tmp_path / "tables"
    code = main(["consolidate", str(HAMPSHIRE_DIR), "-o", str(tmp_path / "c.xlsx"), "--tables", str(out), "-q"])
    assert code == 0
    for name in jwmodel.consolidate_folder(HAMPSHIRE_DIR, progress=False).tables():
        assert (out / f"{name}.csv").is_file() and (out / f"{name}.parquet").is_file()
    for frame in (pd.read_csv(out / "partners.csv"), pd.read_parquet(out / "partners.parquet")):
        frame = frame.set_index("partner")
        for partner, (low, high) in RECURRING.items():
            assert (frame.loc[partner, "recurring_low"], frame.loc[partner, "recurring_high"]) == (low, high)
    shares = pd.read_parquet(out / "by_partner.parquet")
    assert round(shares[shares["kind"] == "one-off"]["high"].sum(), 3) == 124
    assert list(pd.read_csv(out / "findings.csv").columns) == list(FINDINGS.keys)
    assert not list(out.glob(".tmp-*"))


def test_csv_never_holds_a_formula_but_parquet_keeps_the_text(tmp_path, hampshire_folder):
    import dataclasses

    from jwmodel.excel.build_workbooks import HAMPSHIRE_SETUP, hampshire_submissions
    from jwmodel.excel.templates import write_workstream_proposal

    legal = next(p for p in hampshire_submissions()[1] if p.service.name == "Legal Services")
    hostile = dataclasses.replace(legal.saving_lines[0], description='=HYPERLINK("http://x.invalid","y")')
    legal = dataclasses.replace(legal, saving_lines=(hostile, legal.saving_lines[1]))
    write_workstream_proposal(hampshire_folder / "proposal-legal-services.xlsx", HAMPSHIRE_SETUP, legal)
    run = jwmodel.consolidate_folder(hampshire_folder, progress=False)
    written = run.write_tables(tmp_path)
    assert len(written) == 2 * len(run.tables())
    text = (tmp_path / "lines.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text and '"=HYPERLINK' not in text
    assert '=HYPERLINK("http://x.invalid","y")' in pd.read_parquet(tmp_path / "lines.parquet")["description"].tolist()


def test_command_add_in_script_and_api_give_the_same_json(tmp_path, run):
    from jwaddin.scripts import consolidate_folder as addin_consolidate

    assert (
        main(
            [
                "consolidate",
                str(HAMPSHIRE_DIR),
                "-o",
                str(tmp_path / "c.xlsx"),
                "--json",
                str(tmp_path / "s.json"),
                "-q",
            ]
        )
        == 0
    )
    command = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert json.loads(json.dumps(run.summary())) == command
    run.write_json(tmp_path / "api.json")
    assert (tmp_path / "api.json").read_text(encoding="utf-8") == (tmp_path / "s.json").read_text(encoding="utf-8")
    _, result, sources = addin_consolidate(HAMPSHIRE_DIR)
    script = json.loads(json.dumps(summary(result, sources)))
    assert script == {k: v for k, v in command.items() if k != "appraisal"}


def test_python_dash_m_jwmodel_is_the_command(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "jwmodel", "consolidate", str(HAMPSHIRE_DIR), "-o", str(tmp_path / "c.xlsx"),
         "--json", str(tmp_path / "s.json"), "-q"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert doc["totals"]["recurring"] == {"low": -182, "high": -337}


def test_compare_reuses_the_base_reading_and_consolidation(run):
    base, alternative = jwmodel.compare(HAMPSHIRE_DIR, {"Learning & Development": "HC and HCC"}, workers=1)
    assert base.programme is alternative.programme  # read once
    assert base.consolidation.total == run.consolidation.total
    ld = next(s for s in alternative.consolidation.services if s.service == "Learning & Development")
    assert (ld.recurring.low, ld.recurring.high) == (8, -15)  # the figures test_end_to_end gives for this option
    assert alternative.options["Learning & Development"] == "HC and HCC"


def test_sources_and_findings_rows_follow_the_declarations(run):
    doc = run.summary()
    assert list(doc["sources"][0]) == list(SOURCES.keys)
    assert list(doc["findings"][0]) == list(FINDINGS.keys)
    assert doc["incomplete"] is None


def test_check_files_reads_in_a_worker_so_a_crashing_file_cannot_stop_it(tmp_path, monkeypatch):
    from jwmodel.excel import intake

    real = intake.extract

    def crash(path, limits=None):
        if Path(path).name == "boom.xlsx":
            os._exit(3)  # the reader dies outright, as a hostile file can make it
        return real(path) if limits is None else real(path, limits)

    monkeypatch.setattr(intake, "extract", crash)
    boom = tmp_path / "boom.xlsx"
    boom.write_bytes((HAMPSHIRE_DIR / "return-HC.xlsx").read_bytes())
    reports = jwmodel.check_files([boom, HAMPSHIRE_DIR / "return-HFRS.xlsx"], workers=0)  # 0 still means a worker
    assert [r.file for r in reports] == ["boom.xlsx", "return-HFRS.xlsx"]
    assert reports[0].status == "rejected" and reports[0].findings[0].code == "READER_CRASHED"
    assert reports[1].ok and reports[1].kind == "partner return"


def test_check_says_when_no_programme_definition_held_the_files_lists(tmp_path, capsys):
    from jwmodel.cli import UNCHECKED_LISTS

    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(HAMPSHIRE_DIR / "return-HC.xlsx", alone)
    assert main(["check", str(alone / "return-HC.xlsx")]) == 0
    assert UNCHECKED_LISTS in capsys.readouterr().out
    shutil.copy(HAMPSHIRE_DIR / "programme.json", alone)  # the office's definition beside it
    assert main(["check", str(alone / "return-HC.xlsx")]) == 0
    assert UNCHECKED_LISTS not in capsys.readouterr().out


def test_the_read_me_says_which_programme_the_files_were_held_to(tmp_path, run):
    from openpyxl import load_workbook

    book = run.write_workbook(tmp_path / "c.xlsx")
    lines = [r[0] for r in load_workbook(book, read_only=True)["Read me"].iter_rows(values_only=True) if r[0]]
    line = next(x for x in lines if x.startswith("Programme: "))
    assert "partners HC, HFRS, HCC; 7 service areas" in line and "programme.json" in line and "assumed" not in line
