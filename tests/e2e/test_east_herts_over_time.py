"""East Herts (ILLUSTRATIVE): North Herts joining in 2013/14, and the leaver statement if East Herts left after
2013/14, through the command on the committed example folder. Expected figures worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

from jwmodel.cli import main

FOLDER = Path(__file__).resolve().parents[2] / "workbooks" / "examples" / "east-herts-stevenage-2011"
JOINS = "North Herts joins in 2013/14"


def test_compare_shows_the_years_each_option_is_in_force_and_north_herts_from_2013_14(tmp_path, capsys):
    code = main(["compare", str(FOLDER), "--with", f"*={JOINS}", "--json", str(tmp_path / "c.json")])
    assert code == 0
    out = capsys.readouterr().out
    assert f"ICT: 'EHC and SBC' to 2012/13; '{JOINS}' from 2013/14" in out
    first, second = json.loads((tmp_path / "c.json").read_text())["runs"]
    assert first["options_by_year"]["ICT"]["2013/14"] == "EHC and SBC"
    assert second["options_by_year"]["ICT"] == {
        "2011/12": "EHC and SBC",
        "2012/13": "EHC and SBC",
        "2013/14": JOINS,
        "2014/15": JOINS,
        "2015/16": JOINS,
    }
    nhdc = next(p for p in second["by_partner"] if p["partner"] == "NHDC")
    assert nhdc["participates"] is True


def test_consolidate_with_the_option_gives_per_year_splits_worked_by_hand(tmp_path):
    code = main(
        [
            "consolidate",
            str(FOLDER),
            "-o",
            str(tmp_path / "c.xlsx"),
            "--json",
            str(tmp_path / "s.json"),
            "--option",
            f"*={JOINS}",
            "-q",
        ]
    )
    assert code == 0
    doc = json.loads((tmp_path / "s.json").read_text())
    assert doc["options_by_year"]["Facilities Management"]["2012/13"] == "EHC and SBC"
    net = {p["partner"]: p["net_by_year"] for p in doc["appraisal"]["by_partner"]}
    # 2011/12: each council's own business case, 25 (NHDC's does not count: it does not take part in 2011/12)
    assert [net[p][0] for p in ("EHC", "SBC", "NHDC")] == [25, 25, 0]
    # 2012/13, two councils (NHDC nothing): no line of North Herts' yet
    assert net["NHDC"][1] == 0


def test_the_leaver_statement_of_east_herts_after_2013_14_worked_by_hand(tmp_path, capsys):
    code = main(
        [
            "leaver",
            str(FOLDER),
            "--partner",
            "EHC",
            "--after",
            "2013/14",
            "--json",
            str(tmp_path / "l.json"),
            "-o",
            str(tmp_path / "l.xlsx"),
        ]
    )
    assert code == 0
    doc = json.loads((tmp_path / "l.json").read_text())
    prudent = next(c for c in doc["cases"] if c["case"] == "prudent")
    # Shared one-off costs to the end of 2013/14 (prudent: the high costs), two councils by baseline:
    #   ICT convergence 180, 50/50 over 2012/13 and 2013/14, EHC 44% (1,450 of 3,270): 39.6 + 39.6 = 79.2
    #   HR change management 45 in 2012/13, EHC 42% (510 of 1,200): 18.9
    #   FM redundancy 56.433 in 2012/13, its own split by FTE: EHC 14.0 of 35.0 FTE = 40%: 22.5732, to £1 22.573
    #   total 79.2 + 18.9 + 22.573 = 120.673
    # (EHC's own business case, 25, is its alone: not shared, not in the statement)
    assert prudent["one_off_costs"] == 120.673
    # Net recurring (prudent: the low savings), EHC's share:
    #   FM -45 ramp 50,100 from 2012/13 at 41%: -9.225, -18.45; HR -60 at 42%: -12.6, -25.2
    #   HR licences +15 from 2012/13 at 42%: 6.3, 6.3; ICT infrastructure -90 from 2013/14 at 50% x 44%: -19.8
    #   ICT procurement -30 at 44%: -13.2, -13.2; financial advice -35 at 46%: -16.1, -16.1
    #   the two-council ICT support contract (North Herts does not join) -25 from 2012/13 at 44%: -11.0, -11.0
    #   2012/13 -55.825 + 2013/14 -97.45 = -153.275
    assert prudent["net_recurring"] == -153.275
    assert prudent["owed"] == 0 and doc["owed_central"] == 0  # 120.673 - 153.275 < 0
    after = {(r["service"], r["partner"]): r["after"] for r in doc["remaining_shares"]}
    assert after[("ICT", "SBC")] == 100 and after[("ICT", "EHC")] == 0
    assert (tmp_path / "l.xlsx").stat().st_size > 0
    assert "owes nothing" in capsys.readouterr().out


def test_the_leaver_command_refuses_a_partner_that_is_not_one(capsys):
    assert main(["leaver", str(FOLDER), "--partner", "XYZ", "--after", "2013/14"]) == 1
    assert "'XYZ' is not a partner" in capsys.readouterr().err
