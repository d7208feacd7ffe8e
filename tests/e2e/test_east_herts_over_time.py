"""East Herts (ILLUSTRATIVE): North Herts joining in year 2 (2013/14), and the leaver statement if East Herts left
after year 3 (2014/15), through the command on the committed example folder. Years count from the shared services'
start (year 1 = 2012/13; the plan starts in 2011/12, the business case year). Expected figures worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import jwmodel
from jwmodel.business_case import partner_flows
from jwmodel.cases import Case
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
    # The central NPVs docs/apportionment.md quotes (regression figures: the NPV arithmetic itself is worked by hand
    # in tests/unit/test_appraisal.py): North Herts 269 joining in year 2, East Herts 285 (350 with two councils)
    npv = {(run["name"], p["partner"]): round(p["npv_central"]) for run in (first, second) for p in run["by_partner"]}
    assert (npv[(second["name"], "NHDC")], npv[(second["name"], "EHC")], npv[(first["name"], "EHC")]) == (269, 285, 350)
    # and with three councils from the start: North Herts 240, East Herts 273
    assert main(["compare", str(FOLDER), "--with", "*=EHC, SBC and NHDC", "--json", str(tmp_path / "s.json")]) == 0
    start = json.loads((tmp_path / "s.json").read_text())["runs"][1]["by_partner"]
    assert {p["partner"]: round(p["npv_central"]) for p in start if p["partner"] != "SBC"} == {"EHC": 273, "NHDC": 240}


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


def test_each_year_a_line_is_split_by_the_option_in_force_and_a_line_for_north_herts_counts_from_year_2():
    run = jwmodel.consolidate_folder(FOLDER, options={"*": JOINS}, workers=0)
    years = run.settings.plan  # 2011/12 (the business case year), 2012/13 (year 1), ..., 2015/16

    def central(description: str) -> dict[str, list]:
        flows = partner_flows(run.consolidation, years, lambda line: line.description == description)
        return {p: [float(s) for s in flows[p][Case.CENTRAL].savings] for p in ("EHC", "SBC", "NHDC")}

    # ICT procurement: a saving of 30 to 50 from 2012/13, central 40. 2012/13, two councils by net baseline
    # 1,450/1,820 = 44.34/55.66 -> 44/56: 17.6 / 22.4; from 2013/14 three, 1,450/1,820/1,260 of 4,530 ->
    # 32/40/28: 12.8 / 16.0 / 11.2
    assert central("Joint ICT procurement") == {
        "EHC": [0, -17.6, -12.8, -12.8, -12.8],
        "SBC": [0, -22.4, -16.0, -16.0, -16.0],
        "NHDC": [0, 0, -11.2, -11.2, -11.2],
    }
    # "Further FM savings with a third council" (NHDC joins): 20 to 35 from 2013/14, ramp 50% then 100%, central
    # 27.5: 13.75 then 27.5, at FM's 30/43/27: 4.125/5.9125/3.7125 then 8.25/11.825/7.425; to £1 by largest remainder
    # 13,750 pounds: 4,125 + 5,912.5 + 3,712.5 = 13,749, the pound to the larger weight of the tied remainders (SBC)
    assert central("Further FM savings with a third council") == {
        "EHC": [0, 0, -4.125, -8.25, -8.25],
        "SBC": [0, 0, -5.913, -11.825, -11.825],
        "NHDC": [0, 0, -3.712, -7.425, -7.425],
    }


def _leaver(tmp_path, last_year: str) -> dict:
    out = tmp_path / last_year.replace("/", "-")
    args = ["leaver", str(FOLDER), "--partner", "EHC", "--after", last_year, "--option", f"*={JOINS}"]
    assert main([*args, "--json", str(out.with_suffix(".json")), "-o", str(out.with_suffix(".xlsx"))]) == 0
    assert out.with_suffix(".xlsx").stat().st_size > 0
    return json.loads(out.with_suffix(".json").read_text())


# Years count from the shared services' start: year 1 = 2012/13 (the plan starts in 2011/12, the business case year).
# North Herts joins in year 2 (2013/14); East Herts leaves after year 3 (2014/15), as `make demo` runs it.
# Shares by share of net baseline (EHC/SBC/NHDC, whole percentages, largest remainder):
#   two councils (to 2012/13): FM 620/880 = 41.33 -> 41; HR 510/690 = 42.5 -> 42 (the tie to the larger weight);
#     ICT 1,450/1,820 = 44.34 -> 44; SFA 380/450 = 45.78 -> 46
#   three (from 2013/14): FM 620/880/540 of 2,040 = 30.39/43.14/26.47 -> 30/43/27; HR 510/690/470 of 1,670 =
#     30.54/41.32/28.14 -> 31/41/28; ICT 1,450/1,820/1,260 of 4,530 = 32.01/40.18/27.81 -> 32/40/28;
#     SFA 380/450/340 of 1,170 = 32.48/38.46/29.06 -> 33/38/29
# EHC's shared one-off costs to the end of 2014/15 (prudent: the high costs; none falls after 2013/14):
#   ICT convergence 180, 50/50 over 2012/13 and 2013/14: 90 x 44% = 39.6, then 90 x 32% = 28.8
#   bringing a third council onto the infrastructure (NHDC joins) 90 in 2013/14 x 32% = 28.8
#   HR change management 45 in 2012/13 x 42% = 18.9
#   FM redundancy 56.433 in 2012/13, its own split by FTE: 14.0 of 35.0 = 40%: 22.5732, to £1 22.573
#   total 39.6 + 28.8 + 28.8 + 18.9 + 22.573 = 138.673 (EHC's own business case, 25, is its alone: not shared)
#   central (the mid-points 150, 75, 37.5, 47.175): 33 + 24 + 24 + 15.75 + 18.87 = 115.62
# EHC's net recurring (prudent: the low savings, the high additional cost), by year:
#   2012/13 (two councils): FM -45 at 50% x 41% = -9.225; HR -60 at 50% x 42% = -12.6; HR licences +15 x 42% = 6.3;
#     ICT procurement -30 x 44% = -13.2; the two-council ICT contract (NHDC does not join) -25 x 44% = -11.0;
#     SFA -35 x 46% = -16.1: -55.825
#   2013/14 (three): FM -45 x 30% = -13.5; further FM (NHDC joins) -20 at 50% x 30% = -3.0; HR -60 x 31% = -18.6;
#     licences +15 x 31% = 4.65; further HR -30 at 50% x 31% = -4.65; ICT infrastructure -90 at 50% x 32% = -14.4;
#     procurement -30 x 32% = -9.6; SFA -35 x 33% = -11.55; further SFA -15 x 33% = -4.95
#     (the two-council contract no longer applies): -75.6
#   2014/15: FM -13.5; further FM -20 x 30% = -6.0; HR -18.6; licences 4.65; further HR -30 x 31% = -9.3;
#     ICT infrastructure -90 x 32% = -28.8; procurement -9.6; further ICT (from 2014/15) -40 at 50% x 32% = -6.4;
#     SFA -11.55; further SFA -4.95: -104.05
#   to the end of 2014/15: -55.825 - 75.6 - 104.05 = -235.475


def test_the_leaver_statement_of_east_herts_after_year_3_north_herts_having_joined_in_year_2(tmp_path, capsys):
    doc = _leaver(tmp_path, "2014/15")
    assert doc["years"] == ["2011/12", "2012/13", "2013/14", "2014/15"]
    cases = {c["case"]: c for c in doc["cases"]}
    assert cases["prudent"]["one_off_costs"] == 138.673 and cases["central"]["one_off_costs"] == 115.62
    assert cases["prudent"]["net_recurring"] == -235.475
    assert cases["prudent"]["owed"] == 0 and doc["owed_central"] == 0  # 138.673 - 235.475 < 0: owes nothing
    # The others' shares without EHC, from the three-council option in force in 2015/16, recomputed over SBC and NHDC:
    #   FM 880/540 of 1,420 = 61.97/38.03 -> 62/38; HR 690/470 of 1,160 = 59.48/40.52 -> 59/41;
    #   ICT 1,820/1,260 of 3,080 = 59.09/40.91 -> 59/41; SFA 450/340 of 790 = 56.96/43.04 -> 57/43
    rows = doc["remaining_shares"]
    shares = {(r["service"], r["partner"]): (r["before"], r["after"]) for r in rows if not r.get("line")}
    # The FM redundancy cost's own split (FTE), recomputed too: three councils 14/21/12 of 47 FTE = 29.79/44.68/25.53
    #   -> 30/45/25 (largest remainder: 29 + 44 + 25 = 98, the two units to SBC's .68 and EHC's .79);
    #   without EHC 21/12 of 33 = 63.64/36.36 -> 64/36
    own = {r["partner"]: (r["before"], r["after"]) for r in rows if r.get("line") == "FM-C01"}
    assert own == {"EHC": (30, 0), "SBC": (45, 64), "NHDC": (25, 36)}
    assert shares[("Facilities Management", "SBC")] == (43, 62) and shares[("Facilities Management", "NHDC")] == (
        27,
        38,
    )
    assert shares[("Human Resources", "NHDC")] == (28, 41) and shares[("ICT", "SBC")] == (40, 59)
    assert shares[("Strategic Financial Advice", "SBC")] == (38, 57) and shares[("ICT", "EHC")] == (32, 0)
    out = capsys.readouterr().out
    assert "EHC leaving at the end of 2014/15 (its figures to date: 2011/12 to 2014/15)" in out
    assert "owes nothing" in out


def test_had_east_herts_left_a_year_earlier_it_would_owe_its_unrecovered_costs_in_the_prudent_case(tmp_path):
    doc = _leaver(tmp_path, "2013/14")
    prudent = next(c for c in doc["cases"] if c["case"] == "prudent")
    # the same one-off costs (all incurred by 2013/14): 138.673; net recurring 2012/13 and 2013/14 only:
    # -55.825 - 75.6 = -131.425; owed 138.673 - 131.425 = 7.248
    assert (prudent["one_off_costs"], prudent["net_recurring"], prudent["owed"]) == (138.673, -131.425, 7.248)


def test_the_leaver_command_refuses_a_partner_that_is_not_one(capsys):
    assert main(["leaver", str(FOLDER), "--partner", "XYZ", "--after", "2014/15"]) == 1
    assert "'XYZ' is not a partner" in capsys.readouterr().err
