"""What `jwmodel consolidate` prints for the East Herts example (ILLUSTRATIVE) about issue 12's worked example:
the recharges of ICT hosted by Stevenage, and the lines that apply only if North Herts joins or only if it does
not, year by year. Expected text worked out by hand from jwmodel/examples/east_herts_2011.py."""

from __future__ import annotations

from pathlib import Path

from jwmodel.cli import main

FOLDER = Path(__file__).resolve().parents[2] / "workbooks" / "examples" / "east-herts-stevenage-2011"
JOINS = "North Herts joins in 2013/14"


def _printed(tmp_path, capsys, *option: str) -> list[str]:
    assert main(["consolidate", str(FOLDER), "-o", str(tmp_path / "c.xlsx"), *option]) == 0
    return [line.rstrip() for line in capsys.readouterr().out.splitlines()]


def _row(lines: list[str], start: str) -> list[str]:
    return next(line for line in lines if line.startswith(start)).split()


def test_the_recharges_show_who_invoices_whom_each_year_and_the_charge_eliminated_once(tmp_path, capsys):
    lines = _printed(tmp_path, capsys, "--option", f"*={JOINS}")
    # EHC pays SBC 120 a year to 2012/13, then 300 from 2013/14; NHDC pays 200 from 2013/14 (when it joins);
    # each side states each charge: 5 years EHC + 3 years NHDC = 8 charge-years, all matched
    assert (
        "Recharges between partners, £000s a year; each year's charge as payer and receiver state it: 8 matched"
        in lines
    )
    assert _row(lines, "SBC invoices EHC")[3:] == ["ICT", "120", "120", "300", "300", "300"]
    assert _row(lines, "SBC invoices NHDC")[3:] == ["ICT", "-", "-", "200", "200", "200"]
    # the baseline year 2011/12: net 2,960 + 3,840 + 2,610 = 9,410; EHC's ICT gross 1,570 = net 1,450 + charges 120,
    # so gross 9,530, less the 120 EHC pays SBC = 9,410
    assert (
        "Baseline 2011/12: gross 9,530 less charges eliminated 120 = 9,410, each cost counted once "
        "(the partners' net baselines add up to 9,410)"
    ) in lines


def test_without_north_herts_its_charge_is_matched_but_not_invoiced(tmp_path, capsys):
    lines = _printed(tmp_path, capsys)
    assert (
        "Recharges between partners, £000s a year; each year's charge as payer and receiver state it: 8 matched"
        in lines
    )
    assert not any(line.startswith("SBC invoices NHDC") for line in lines)


def test_the_lines_for_a_third_council_apply_from_year_2_and_the_two_council_contract_to_year_1(tmp_path, capsys):
    lines = _printed(tmp_path, capsys, "--option", f"*={JOINS}")
    # two councils 2011/12 and 2012/13 (year 1), three from 2013/14 (year 2): "NHDC joins" holds from 2013/14,
    # "NHDC does not join" to 2012/13; NHDC's own business case (2011/12) is under the programme line's option,
    # which stays "EHC and SBC": it applies in no year
    assert (
        "  Facilities Management: 'Further FM savings with a third council' (NHDC joins): 2013/14 to 2015/16" in lines
    )
    assert (
        "  ICT: 'Two-council ICT support contract, only without a third council' (NHDC does not join): "
        "2011/12 to 2012/13"
    ) in lines
    assert (
        "  Business case and programme: 'Building the business case: project manager and back-fill (NHDC)' "
        "(NHDC joins): no year"
    ) in lines


def test_under_the_two_councils_throughout_the_contract_applies_every_year(tmp_path, capsys):
    lines = _printed(tmp_path, capsys)
    contract = "  ICT: 'Two-council ICT support contract, only without a third council' (NHDC does not join): "
    assert contract + "every year" in lines
    assert "  Human Resources: 'Further HR savings with a third council' (NHDC joins): no year" in lines
