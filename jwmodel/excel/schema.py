"""Template layout, version 1.0: sheet names, cover labels, table names and headers.

The template writer and the reader both take their layout from here, so they cannot drift apart.
Headers for per-partner columns ("% HC", driver columns "HC") are made from the partner codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from jwmodel.model import Category, Method, OneOffType

VERSION = "1.0"
PARTNER_RETURN = "jwmodel partner return"
WORKSTREAM_PROPOSAL = "jwmodel workstream proposal"

INSTRUCTIONS = "Instructions"
COVER = "Cover"
LISTS = "Lists"
BASELINE = "Baseline"
OPTIONS = "Options"
DRIVERS = "Drivers"
SAVINGS = "Saving lines"
ONE_OFF = "One-off costs"

YES, NO = "Yes", "No"
CATEGORIES = tuple(c.value for c in Category)
ONE_OFF_TYPES = tuple(t.value for t in OneOffType)
METHODS = tuple(m.value for m in Method)
PERCENT_PREFIX = "% "


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

BASELINE_HEADERS = (
    "Service area",
    "Gross direct cost (£000s)",
    "Charges from other partners (£000s)",
    "Net baseline (£000s)",
    "FTE",
    "Notes",
)
OPTION_HEADERS = (
    "Option",
    "Partners",
    "Default",
    "Method",
    "Driver",
    "Sole bearer",
    "Minimum %",
)  # then "% <code>" per partner, then "Notes"
DRIVER_HEADERS = ("Driver",)  # then one column per partner code, then "Basis"
SAVING_HEADERS = (
    "Description",
    "Category",
    "Low (£000s)",
    "High (£000s)",
    "Sole bearer",
    "Only if partner participates",
    "Start year",
    "Ramp (% of full year, by year)",
    "Notes",
)
ONE_OFF_HEADERS = (
    "Description",
    "Type",
    "Low (£000s)",
    "High (£000s)",
    "Sole bearer",
    "Only if partner participates",
    "Year",
    "Timing (% by year)",
    "Notes",
)

TABLES = {
    BASELINE: "BaselineTable",
    OPTIONS: "OptionsTable",
    DRIVERS: "DriversTable",
    SAVINGS: "SavingLinesTable",
    ONE_OFF: "OneOffCostsTable",
}
HEADER_ROW = 3  # 0-based: tables start on row 4, under a title and a line of guidance


def option_headers(partners: tuple[str, ...]) -> tuple[str, ...]:
    return (*OPTION_HEADERS, *(PERCENT_PREFIX + p for p in partners), "Notes")


def driver_headers(partners: tuple[str, ...]) -> tuple[str, ...]:
    return (*DRIVER_HEADERS, *partners, "Basis")
