"""East Herts (ILLUSTRATIVE): ICT hosted by Stevenage and recharged, through the command and the service layer.

The figures are the example's (jwmodel/examples/east_herts_2011.py); every expected figure is worked
out by hand in the comment beside it from docs/apportionment.md's "Recharges between partners".
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import python_calamine

import jwmodel
from jwmodel.cli import main
from jwmodel.codes import Code
from jwmodel.examples import east_herts_2011
from jwmodel.excel.build_workbooks import EAST_HERTS_SETUP, submissions
from jwmodel.excel.templates import write_partner_return

FOLDER = Path(__file__).resolve().parents[2] / "workbooks" / "examples" / "east-herts-stevenage-2011"
THREE = {"*": "EHC, SBC and NHDC"}
PLAN = ("2011/12", "2012/13", "2013/14", "2014/15", "2015/16")  # from the returns' year, 5 years


def test_the_example_s_recharges_all_match_and_are_eliminated_once(tmp_path):
    assert (
        main(
            ["consolidate", str(FOLDER), "-o", str(tmp_path / "c.xlsx"), "--json", str(tmp_path / "s.json"), "--quiet"]
        )
        == 0
    )
    section = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["recharges"]
    assert section["baseline_year"] == "2011/12"
    assert {c["status"] for c in section["charges"]} == {"matched"}
    # EHC to SBC: 120 in 2011/12 and 2012/13, 300 from 2013/14; NHDC to SBC: 200 from 2013/14 = 5 + 3 charges
    assert len(section["charges"]) == 8
    ict = next(x for x in section["elimination"]["by_service"] if x["service"] == "ICT")
    # gross: EHC 1,570 (net 1,450 + charges 120) + SBC 1,820 + NHDC 1,260 = 4,650; EHC pays SBC 120 in 2011/12
    # programme baseline: 4,650 - 120 = 4,530 = the nets 1,450 + 1,820 + 1,260
    assert ict == {"service": "ICT", "gross": 4650, "eliminated": 120, "consolidated": 4530, "net": 4530}
    # every service: EHC 2,960 + SBC 3,840 + NHDC 2,610 = 9,410 net; gross 120 more
    assert section["elimination"]["total"] == {"gross": 9530, "eliminated": 120, "consolidated": 9410, "net": 9410}
    # two councils take part in ICT: SBC invoices EHC only, 120, 120, 300, 300, 300
    assert [(s["year"], s["invoiced_by"], s["invoiced_to"], s["amount"]) for s in section["schedule"]] == [
        (year, "SBC", "EHC", amount) for year, amount in zip(PLAN, (120, 120, 300, 300, 300), strict=True)
    ]
    findings = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["findings"]
    assert not [f for f in findings if f["code"].startswith("RECHARGE_")]
    sheet = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "c.xlsx")).get_sheet_by_name("Recharges")
    rows = sheet.to_python()
    assert ["Total", 9530.0, 120.0, 9410.0, 9410.0] in [r[:5] for r in rows]


def test_with_north_herts_the_schedule_invoices_it_from_2013_14():
    run = jwmodel.consolidate_folder(FOLDER, options=THREE, progress=False, workers=0)
    schedule = [(m.year, m.payer, m.invoiced) for m in run.consolidation.recharges.schedule]
    assert schedule == [
        ("2011/12", "EHC", D(120)),
        ("2012/13", "EHC", D(120)),
        ("2013/14", "EHC", D(300)),
        ("2013/14", "NHDC", D(200)),
        ("2014/15", "EHC", D(300)),
        ("2014/15", "NHDC", D(200)),
        ("2015/16", "EHC", D(300)),
        ("2015/16", "NHDC", D(200)),
    ]
    # the schedule table holds the same rows: 5 EHC + 3 NHDC; the 2011/12 baseline is unchanged by the option
    assert len(run.to_pandas("recharge_schedule")) == 8
    assert run.consolidation.recharges.total.consolidated == D(9410)


def test_a_mismatch_in_a_copy_of_the_folder_is_reported_at_both_returns(tmp_path):
    folder = tmp_path / "east-herts"
    shutil.copytree(FOLDER, folder)
    returns, _ = submissions(east_herts_2011, EAST_HERTS_SETUP, "2011-03-31")
    sbc = next(r for r in returns if r.partner.code == "SBC")
    rows = list(sbc.recharges)
    rows[1] = replace(rows[1], amount=D(310))  # SBC says it receives 310 from 2013/14; EHC says it pays 300
    write_partner_return(folder / "return-SBC.xlsx", EAST_HERTS_SETUP, replace(sbc, recharges=tuple(rows)))
    run = jwmodel.consolidate_folder(folder, progress=False, workers=0)
    (finding,) = [f for f in run.findings if f.code.startswith("RECHARGE_")]
    assert finding.code == Code.RECHARGE_MISMATCH
    assert (finding.where.file, finding.where.sheet, finding.where.cell) == ("return-EHC.xlsx", "Recharges", "A6")
    assert "return-SBC.xlsx: 'Recharges'!A6" in finding.message  # the other side's row
    assert "2013/14 to 2015/16" in finding.message and "difference -10" in finding.message  # 300 - 310
    # the baseline year is untouched (120 on both sides): the programme's baseline is still 9,410
    assert run.consolidation.recharges.total.consolidated == D(9410)
    section = run.summary()["recharges"]
    differing = [c for c in section["charges"] if c["status"] == "differs"]
    assert [(c["year"], c["paid"], c["received"], c["difference"]) for c in differing] == [
        (year, 300, 310, -10) for year in PLAN[2:]
    ]
