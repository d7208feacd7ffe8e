"""Regenerate the committed workbooks: blank templates and the worked-example submissions.

Run ``make workbooks`` (or ``python -m jwmodel.excel.build_workbooks``). A test regenerates them
into a temporary folder and checks they are identical to what is committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jwmodel.consolidation import consolidate
from jwmodel.definition import FILE_NAME, ProgrammeDefinition, validated
from jwmodel.examples import east_herts_2011 as east_herts
from jwmodel.examples import east_herts_2011_actuals as east_herts_actuals
from jwmodel.examples import hampshire_2012 as hampshire
from jwmodel.examples import hampshire_2012_monitoring as hampshire_monitoring
from jwmodel.excel import schema as s
from jwmodel.excel.model_workbook import write_model_workbook
from jwmodel.excel.monitoring_example import write_actuals_example, write_monitoring_example
from jwmodel.excel.programme_file import write_definition
from jwmodel.excel.templates import (
    proposal_name,
    return_name,
    slug,
    write_monitoring_return,
    write_partner_return,
    write_workstream_proposal,
)
from jwmodel.model import ControlTotal
from jwmodel.submissions import Cover, PartnerReturn, ProgrammeSetup, WorkstreamProposal

__all__ = ["HAMPSHIRE", "EAST_HERTS", "HAMPSHIRE_SETUP", "build", "slug", "write_example"]

HAMPSHIRE = ProgrammeDefinition(
    hampshire.PARTNERS,
    hampshire.SERVICES_IN_ORDER,
    "Joint Working in Hampshire, Individual Blueprints (April 2012)",
    hampshire.FINANCIAL_YEAR,
)
EAST_HERTS = ProgrammeDefinition(
    east_herts.PARTNERS,
    east_herts.SERVICES_IN_ORDER,
    "East Herts and Stevenage shared support services (February 2011; ILLUSTRATIVE figures)",
    east_herts.FINANCIAL_YEAR,
)
HAMPSHIRE_SETUP = HAMPSHIRE.setup
EAST_HERTS_SETUP = EAST_HERTS.setup
EXAMPLE_DIR = Path("examples") / "hampshire-2012"
EAST_HERTS_DIR = Path("examples") / "east-herts-stevenage-2011"


def submissions(example, setup: ProgrammeSetup, submitted: str) -> tuple[list[PartnerReturn], list[WorkstreamProposal]]:
    """An example programme as the submissions its partners and workstreams would send."""

    def cover(template: str, contact: str) -> Cover:
        return Cover(template, s.VERSION, example.FINANCIAL_YEAR, contact, "", submitted, "1")

    programme = example.programme()
    totals = {c.partner: c for c in programme.control_totals}
    returns = [
        PartnerReturn(
            cover(s.PARTNER_RETURN, f"{p.name} finance (example)"),
            p,
            tuple(e for e in programme.baseline if e.partner == p.code),
            ControlTotal(p.code, totals[p.code].net, totals[p.code].fte),
            setup,
            targets=tuple(t for t in programme.targets if t.partner == p.code),
            recharges=tuple(x for x in programme.recharges if x.partner == p.code),
        )
        for p in programme.partners
    ]
    proposals = [
        WorkstreamProposal(
            cover(s.WORKSTREAM_PROPOSAL, f"{service.name} workstream lead (example)"),
            service,
            tuple(x for x in programme.saving_lines if x.service == service.name),
            tuple(x for x in programme.one_off_costs if x.service == service.name),
            tuple(x for x in programme.drivers if x.service == service.name),
            setup,
        )
        for service in programme.services
    ]
    return returns, proposals


def hampshire_submissions() -> tuple[list[PartnerReturn], list[WorkstreamProposal]]:
    """The Hampshire example as the submissions partners and workstreams would send."""
    return submissions(hampshire, HAMPSHIRE_SETUP, "2012-04-02")


def write_example(root: str | Path) -> Path:
    """The committed model workbook: the Hampshire 2012 example, at ``root/joint_working_model.xlsx``."""
    programme = hampshire.programme()
    return write_model_workbook(Path(root) / "joint_working_model.xlsx", programme, consolidate(programme))


def build(root: Path) -> list[Path]:
    """Write every generated workbook under ``root`` (the repository's workbooks/ folder), and each
    example folder's programme definition (``programme.json``, the lists its returns are held to)."""
    written = [
        write_partner_return(root / "partner_return.xlsx", HAMPSHIRE_SETUP),
        write_workstream_proposal(root / "workstream_proposal.xlsx", HAMPSHIRE_SETUP),
        write_monitoring_return(root / "monitoring_return.xlsx", HAMPSHIRE_SETUP),
    ]
    returns, proposals = hampshire_submissions()
    for r in returns:
        written.append(write_partner_return(root / EXAMPLE_DIR / return_name(r.partner.code), HAMPSHIRE_SETUP, r))
    for p in proposals:
        written.append(
            write_workstream_proposal(root / EXAMPLE_DIR / proposal_name(p.service.name), HAMPSHIRE_SETUP, p)
        )
    returns, proposals = submissions(east_herts, EAST_HERTS_SETUP, "2011-03-31")
    for r in returns:
        written.append(write_partner_return(root / EAST_HERTS_DIR / return_name(r.partner.code), EAST_HERTS_SETUP, r))
    for p in proposals:
        written.append(
            write_workstream_proposal(root / EAST_HERTS_DIR / proposal_name(p.service.name), EAST_HERTS_SETUP, p)
        )
    for folder, definition in ((EXAMPLE_DIR, HAMPSHIRE), (EAST_HERTS_DIR, EAST_HERTS)):
        written.append(write_definition(root / folder / FILE_NAME, validated(definition)))
    write_example(root)  # the model workbook; checked by tests/integration/test_addin_workbook.py
    returns, proposals = hampshire_submissions()  # after approval: monitored 2012/13 to 2014/15 (ILLUSTRATIVE)
    written += write_monitoring_example(hampshire_monitoring, root, HAMPSHIRE, returns, proposals)
    written += write_actuals_example(east_herts_actuals, root, EAST_HERTS, root / EAST_HERTS_DIR)  # true-up, year 1
    return written


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "workbooks"
    for path in build(root):
        print(path)
