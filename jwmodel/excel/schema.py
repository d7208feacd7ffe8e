"""Template layout, version 1.0: sheet names and cover labels.

The template writer and the reader both take their layout from here, so they cannot drift apart.
The tables' columns are declared once in :mod:`jwmodel.tables.inputs` (a template shows the columns
of ``Scope.ALL``); per-partner headers ("% HC", driver columns "HC") are made from the partner codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from jwmodel.tables import inputs as i
from jwmodel.tables import monitoring as m

VERSION = "1.0"
PARTNER_RETURN = "jwmodel partner return"
WORKSTREAM_PROPOSAL = "jwmodel workstream proposal"

INSTRUCTIONS = "Instructions"
COVER = "Cover"
LISTS = "Lists"
BASELINE = i.BASELINE.sheet
OPTIONS = i.OPTIONS.sheet
DRIVERS = i.DRIVERS.sheet
SAVINGS = i.SAVING_LINES.sheet
ONE_OFF = i.ONE_OFF_COSTS.sheet
TARGETS = i.TARGETS.sheet  # a partner return's savings targets (issue 11)
RECHARGES = i.RECHARGES.sheet  # a partner return's charges to and from the other partners (issue 12)

YES, NO = i.YES, i.NO
CATEGORIES = i.SAVING_LINES.column("category").choices
ONE_OFF_TYPES = i.ONE_OFF_COSTS.column("type").choices
METHODS = i.OPTIONS.column("method").choices


@dataclass(frozen=True, slots=True)
class CoverField:
    key: str
    label: str
    help: str
    kind: str = "text"  # text, date, number, partner, service
    required: bool = True


COMMON_COVER_START = (
    CoverField("template", "Template", "Do not change", required=True),
    CoverField("version", "Template version", "Do not change", required=True),
)
COMMON_COVER_END = (
    CoverField("financial_year", "Financial year", "e.g. 2012/13"),
    CoverField("contact", "Contact name", "Who to ask about this return"),
    CoverField("email", "Contact email", "", required=False),
    CoverField("submitted", "Submission date", "The date you send this file", kind="date"),
    CoverField(
        "submission_version",
        "Submission number",
        "1 for the first submission; add 1 for each resubmission",
        kind="number",
    ),
)
PARTNER_COVER = (
    *COMMON_COVER_START,
    CoverField("partner_code", "Partner code", "Choose from the list", kind="partner"),
    CoverField("partner_name", "Partner name", "Full name of your organisation"),
    *COMMON_COVER_END,
    CoverField(
        "stated_net",
        "Stated total net baseline (£000s)",
        "Your own control total for the Baseline sheet",
        kind="number",
    ),
    CoverField("stated_fte", "Stated total FTE", "Your own control total of FTE", kind="number"),
)
PROPOSAL_COVER = (
    *COMMON_COVER_START,
    CoverField("service", "Service area", "Choose from the list", kind="service"),
    *COMMON_COVER_END,
)

HEADER_ROW = i.HEADER_ROW

# --- the monitoring return (after approval: jwmodel.monitoring) ------------------------------------
MONITORING_RETURN = "jwmodel monitoring return"
DELIVERED, SPEND, MEASUREMENTS = m.DELIVERED.sheet, m.SPEND.sheet, m.MEASUREMENTS.sheet
ACTUALS = m.ACTUALS.sheet  # actual drivers for the yearly true-up (issue 12; optional: older returns lack it)
RETURN_STATUSES = ("Draft", "Final")  # jwmodel.monitoring.ReturnStatus
MONITORING_COVER = (
    *COMMON_COVER_START,
    CoverField("partner_code", "Partner code", "Choose from the list", kind="partner"),
    CoverField("partner_name", "Partner name", "Full name of your organisation"),
    CoverField("period", "Period", "The quarter (2012/13 Q1) or the year (2012/13) this return is for"),
    *COMMON_COVER_END,
    CoverField("return_status", "Status", "Draft or Final: a draft is not counted unless drafts are asked for"),
    CoverField("signed_by", "Signed off by", "The officer who signs the return off", required=False),
    CoverField("signed_role", "Sign-off role", "e.g. Section 151 officer", required=False),
    CoverField("signed_date", "Sign-off date", "The date it was signed off", kind="date", required=False),
    CoverField("fte_released", "FTE released in the period", "Posts no longer needed", kind="number", required=False),
)
