"""Every finding code, in one registry: its severity and what it means.

A code means one thing everywhere and always has the same severity; a ``Finding`` takes its
severity from here. ``python -m jwmodel.codes --markdown`` prints the table in docs/intake.md.
"""

from __future__ import annotations

import sys
from enum import StrEnum

__all__ = ["Severity", "Code", "markdown_table"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO


class Code(StrEnum):
    """A finding code (a ``str``: ``Code.PERCENT_SUM == "PERCENT_SUM"``) with ``.severity`` and ``.meaning``."""

    severity: Severity
    meaning: str

    def __new__(cls, value: str, severity: Severity, meaning: str) -> Code:
        member = str.__new__(cls, value)
        member._value_ = value
        member.severity = severity
        member.meaning = meaning
        return member

    # --- the file itself (intake and the package guard) ----------------------------------------
    EMPTY_FILE = "EMPTY_FILE", _E, "the file is empty (0 bytes)"
    FILE_TOO_LARGE = "FILE_TOO_LARGE", _E, "the file is larger than any return from the template could be"
    FILE_UNREADABLE = "FILE_UNREADABLE", _E, "the file or one of its sheets could not be read"
    NOT_A_FILE = "NOT_A_FILE", _E, "a pipe, device or folder where a file was expected; never opened"
    NOT_A_WORKBOOK = "NOT_A_WORKBOOK", _E, "the file is not an Excel workbook (random bytes, CSV, HTML)"
    LEGACY_XLS = "LEGACY_XLS", _E, "an old-format .xls workbook"
    XLSB = "XLSB", _E, "an Excel Binary Workbook (.xlsb)"
    ODS = "ODS", _E, "an OpenDocument spreadsheet (.ods)"
    MACRO_ENABLED = "MACRO_ENABLED", _E, "the workbook holds macros (.xlsm or VBA inside)"
    PASSWORD_PROTECTED = "PASSWORD_PROTECTED", _E, "the workbook or some of its parts are encrypted"
    CORRUPT_ZIP = "CORRUPT_ZIP", _E, "the package is damaged (cut short or corrupted)"
    CORRUPT_XML = "CORRUPT_XML", _E, "a part of the package is not well-formed XML"
    MISSING_PART = "MISSING_PART", _E, "a part every workbook has is missing from the package"
    DUPLICATE_ENTRY = "DUPLICATE_ENTRY", _E, "the package holds the same part twice"
    TOO_MANY_PARTS = "TOO_MANY_PARTS", _E, "the package has far more parts than a workbook from the template"
    UNSAFE_PATH = "UNSAFE_PATH", _E, "a part's path leaves the package (zip slip)"
    UNSUPPORTED_COMPRESSION = "UNSUPPORTED_COMPRESSION", _E, "a part uses a compression method Excel never writes"
    XML_DTD = "XML_DTD", _E, "an XML part declares a DTD or entities (entity bomb, external entity)"
    DECOMPRESSION_BOMB = "DECOMPRESSION_BOMB", _E, "a part inflates to far more than a return could"
    TOO_MANY_STRINGS = "TOO_MANY_STRINGS", _E, "the workbook declares an absurd number of distinct texts"
    SHARED_STRINGS_MISMATCH = "SHARED_STRINGS_MISMATCH", _E, "the shared-strings count does not match its contents"
    DIMENSION_TOO_LARGE = "DIMENSION_TOO_LARGE", _E, "a sheet claims to span far more cells than a return"
    DIMENSION_LIES = "DIMENSION_LIES", _W, "a sheet understates its size; every cell is still read"
    TOO_MANY_CELLS = "TOO_MANY_CELLS", _E, "a sheet holds far more cells than a return could"
    CELL_OUTSIDE_TEMPLATE = "CELL_OUTSIDE_TEMPLATE", _E, "a cell far outside the template's area"
    EXTERNAL_LINK = (
        "EXTERNAL_LINK",
        _W,
        "a link or formula that takes figures from another workbook; saved values are read",
    )
    DDE_FORMULA = (
        "DDE_FORMULA",
        _W,
        "a formula asking another program for data (DDE); never run, its saved value is read",
    )
    HIDDEN_COLUMN = "HIDDEN_COLUMN", _W, "a hidden column holds data; it is read and counted"
    MERGED_CELLS = "MERGED_CELLS", _W, "cells merged over the input area: only the first holds a value"
    READER_CRASHED = "READER_CRASHED", _E, "the reader process crashed on this file"
    READER_TIMEOUT = "READER_TIMEOUT", _E, "the reader took too long on this file and was stopped"
    INTERNAL_ERROR = "INTERNAL_ERROR", _E, "jwmodel failed on this file; the rest of the batch goes on"
    FILE_GONE = "FILE_GONE", _E, "listed but gone before it could be read (renamed or deleted meanwhile)"

    # --- the template's structure ------------------------------------------------------------
    NOT_A_TEMPLATE = "NOT_A_TEMPLATE", _E, "the workbook has no Cover sheet, so it is not a jwmodel template"
    TEMPLATE_UNKNOWN = "TEMPLATE_UNKNOWN", _E, "the cover names a template jwmodel does not know"
    TEMPLATE_VERSION = "TEMPLATE_VERSION", _E, "the cover gives no supported template version"
    COVER_FIELD_MISSING = "COVER_FIELD_MISSING", _E, "a row of the cover is missing"
    COVER_BLANK = "COVER_BLANK", _W, "a cover field that should be filled in is blank"
    SUBMISSION_NUMBER_INVALID = (
        "SUBMISSION_NUMBER_INVALID",
        _W,
        "the submission number is not a whole number of up to 6 digits; it does not decide which is final",
    )
    SHEET_MISSING = "SHEET_MISSING", _E, "a sheet of the template is missing (or renamed)"
    EXTRA_SHEET = "EXTRA_SHEET", _E, "a sheet that is not part of the template holds something that would not be read"
    EXTRA_SHEET_EMPTY = "EXTRA_SHEET_EMPTY", _W, "an empty sheet that is not part of the template; ignored"
    HIDDEN_SHEET = "HIDDEN_SHEET", _W, "a template sheet is hidden; it is read as usual"
    HIDDEN_ROW = "HIDDEN_ROW", _W, "a hidden row holds data; it is read and counted"
    TABLE_MISSING = "TABLE_MISSING", _E, "a sheet has no table with the template's heading"
    HEADER_MISSING = "HEADER_MISSING", _E, "a table is missing one of the template's columns"
    OUTSIDE_TABLE = "OUTSIDE_TABLE", _E, "something to the right of a table, which would not be read"
    FORMULA_ERROR = "FORMULA_ERROR", _E, "a cell shows a formula error such as #REF!"
    FORMULA_NO_RESULT = "FORMULA_NO_RESULT", _E, "a cell holds a formula saved without its result"

    # --- cells -------------------------------------------------------------------------------
    NOT_A_NUMBER = "NOT_A_NUMBER", _E, "a number cell holds something that is not a plain number"
    NOT_A_DATE = "NOT_A_DATE", _E, "a date cell holds something that is not a date"
    DATE_OUT_OF_RANGE = "DATE_OUT_OF_RANGE", _E, "a date that is not plausible (before 2000 or after 2099)"
    NOT_WHOLE = "NOT_WHOLE", _E, "a figure that must be a whole number is not"
    MINIMUM_PERCENT_RANGE = (
        "MINIMUM_PERCENT_RANGE",
        _E,
        "a minimum % below 0, or too big for every participant to get it",
    )
    NOT_IN_LIST = "NOT_IN_LIST", _E, "a cell that takes a choice from a list holds something else"
    BAD_TEXT = "BAD_TEXT", _E, "text too long for Excel or holding invisible or control characters"
    BAD_CODE = "BAD_CODE", _E, "a code with lookalike letters, invisible characters or punctuation"
    BAD_NAME = "BAD_NAME", _E, "a name or service area mixing scripts (a Cyrillic letter passing for a Latin one)"
    BAD_YEAR = "BAD_YEAR", _E, "a year that is not a financial year such as 2013/14"
    BAD_PERCENTAGES = "BAD_PERCENTAGES", _E, "a phasing cell that is not a list of percentages by year"
    CONDITION_BAD = "CONDITION_BAD", _E, "an 'Applies if' cell that does not read as a condition; the line is not read"
    LINE_RULE_BAD = (
        "LINE_RULE_BAD",
        _E,
        "an 'Own split' that does not read as a split, or a line with both a sole bearer and its own split",
    )
    ROUNDED_TO_POUND = "ROUNDED_TO_POUND", _W, "a figure given to less than £1, taken to the nearest £1"
    VALUE_MISSING = "VALUE_MISSING", _E, "a required value is blank"
    FTE_BLANK = "FTE_BLANK", _W, "a baseline row's FTE is blank and is taken as 0"
    DESCRIPTION_BLANK = "DESCRIPTION_BLANK", _W, "a saving line has no description"
    NEGATIVE = "NEGATIVE", _E, "a figure that cannot be negative (gross cost, charges, FTE, driver) is"
    PARTNER_MISSING = "PARTNER_MISSING", _E, "the cover gives no partner code"
    PARTNER_UNKNOWN = "PARTNER_UNKNOWN", _E, "a partner code not in the file's own list of partners"
    SERVICE_MISSING = "SERVICE_MISSING", _E, "a service area is blank where one is needed"
    SERVICE_UNKNOWN = "SERVICE_UNKNOWN", _E, "a service area not in the file's own list of service areas"
    DEFAULT_OPTION = "DEFAULT_OPTION", _E, "several participation options and not exactly one marked default"

    # --- rules over one file (jwmodel.rules: run by check and by consolidate) -----------------
    RANGE_NOT_ORDERED = "RANGE_NOT_ORDERED", _E, "low and high typed the wrong way round; the line is not counted"
    MORE_PRECISE_THAN_POUND = "MORE_PRECISE_THAN_POUND", _E, "a line's figure is given to less than £1; not counted"
    ONE_OFF_NEGATIVE = "ONE_OFF_NEGATIVE", _W, "a one-off cost is negative (income): check the sign"
    BASELINE_NET_MISMATCH = "BASELINE_NET_MISMATCH", _E, "net baseline is not gross less charges; not counted"
    BASELINE_NEGATIVE = "BASELINE_NEGATIVE", _W, "a negative net baseline, which needs an explanation"
    BASELINE_DUPLICATE = "BASELINE_DUPLICATE", _E, "a partner gives a baseline for one service area twice"
    BASELINE_TOTAL_MISMATCH = "BASELINE_TOTAL_MISMATCH", _W, "the stated total net baseline is not the sum of the rows"
    FTE_TOTAL_MISMATCH = "FTE_TOTAL_MISMATCH", _W, "the stated total FTE is not the sum of the rows"
    PERCENT_SUM = "PERCENT_SUM", _E, "fixed percentages do not add up to 100"
    PERCENT_MISSING = "PERCENT_MISSING", _E, "fixed percentages give no percentage for a participating partner"
    PERCENT_NOT_PARTICIPANT = "PERCENT_NOT_PARTICIPANT", _E, "a fixed percentage for a partner who does not participate"
    PERCENT_NEGATIVE = "PERCENT_NEGATIVE", _E, "a negative fixed percentage"
    SOLE_BEARER_MISSING = "SOLE_BEARER_MISSING", _E, "the method is sole bearer but no partner is named"
    SOLE_BEARER_NOT_PARTICIPANT = "SOLE_BEARER_NOT_PARTICIPANT", _W, "the sole bearer is not a participating partner"
    DRIVER_UNNAMED = "DRIVER_UNNAMED", _E, "the method is driver but no driver is named"

    # --- apportionment and consolidation (need the whole programme) -------------------------
    DRIVER_MISSING = "DRIVER_MISSING", _E, "the option in use has no driver value for a participating partner"
    BASELINE_MISSING = "BASELINE_MISSING", _E, "the option in use splits by baseline but a partner has none"
    SHARES_IMPOSSIBLE = "SHARES_IMPOSSIBLE", _E, "the option in use's weights cannot give whole-percentage shares"
    OPTION_UNUSABLE = "OPTION_UNUSABLE", _W, "an option not in use could not be apportioned; an error if chosen"
    NOT_APPORTIONED = "NOT_APPORTIONED", _E, "a line counts but there is no rule to split it between partners"
    PARTNER_NO_RETURN = "PARTNER_NO_RETURN", _E, "a proposal names a partner who sent no return"
    SERVICE_NO_PROPOSAL = "SERVICE_NO_PROPOSAL", _E, "figures for a service area no workstream proposal defines"
    BASELINE_NO_PROPOSAL = "BASELINE_NO_PROPOSAL", _I, "a baseline for a service area with no workstream proposal"
    OPTION_UNKNOWN = "OPTION_UNKNOWN", _E, "the participation option chosen does not exist; the default is used"
    OPTION_SERVICE_UNKNOWN = "OPTION_SERVICE_UNKNOWN", _E, "an option was chosen for a service area that does not exist"
    OPTION_NO_DEFAULT = "OPTION_NO_DEFAULT", _E, "several participation options and none chosen or marked default"
    OPTION_NONE = "OPTION_NONE", _E, "a proposal gives no participation option, so nothing in it is apportioned"
    LINE_CONDITION_NOT_MET = (
        "LINE_CONDITION_NOT_MET",
        _I,
        "a line whose condition does not hold under the option in use",
    )
    CONDITION_UNKNOWN_PARTNER = (
        "CONDITION_UNKNOWN_PARTNER",
        _E,
        "a line's condition names a partner that is not in the programme; the line is not counted",
    )
    CONDITION_UNKNOWN_OPTION = (
        "CONDITION_UNKNOWN_OPTION",
        _E,
        "a line's condition names an option its service area does not have; the line is not counted",
    )
    PHASING_OUTSIDE_PLAN = "PHASING_OUTSIDE_PLAN", _E, "a line's phasing falls outside the plan's years; not appraised"
    OPTION_BEFORE_UNKNOWN = (
        "OPTION_BEFORE_UNKNOWN",
        _E,
        "an option's 'Before then' names no option of its service area (or is blank with no default)",
    )
    OPTION_TIMELINE = (
        "OPTION_TIMELINE",
        _E,
        "options in force before one another run in a circle, or a start year is not a usable year",
    )
    OPTION_START_OUTSIDE_PLAN = (
        "OPTION_START_OUTSIDE_PLAN",
        _W,
        "an option starts before the plan's first year or after its last",
    )
    LEAVER_SHARES_UNDECIDED = (
        "LEAVER_SHARES_UNDECIDED",
        _W,
        "a leaver statement cannot give the remaining partners' shares: no option names them",
    )

    # --- the programme definition (the partners and service areas are the programme office's) ---
    PROGRAMME_ASSUMED = (
        "PROGRAMME_ASSUMED",
        _W,
        "no programme definition (programme.json): the lists most submissions share are used",
    )
    PROGRAMME_PARTNER_ADDED = (
        "PROGRAMME_PARTNER_ADDED",
        _E,
        "a file's Lists sheet gives a partner code that is not one of the programme's",
    )
    PROGRAMME_NAME_CHANGED = (
        "PROGRAMME_NAME_CHANGED",
        _E,
        "a file's Lists sheet gives a partner a name that is not the programme's",
    )
    PROGRAMME_SERVICE_ADDED = (
        "PROGRAMME_SERVICE_ADDED",
        _E,
        "a file's Lists sheet gives a service area that is not one of the programme's",
    )
    PROGRAMME_LIST_EMPTY = (
        "PROGRAMME_LIST_EMPTY",
        _E,
        "a file's Lists sheet gives no partner codes or no service areas",
    )

    # --- resubmissions -----------------------------------------------------------------------
    SUPERSEDED = "SUPERSEDED", _I, "a later submission from the same sender replaces this one"
    RESUBMISSION_UNDECIDED = "RESUBMISSION_UNDECIDED", _E, "several submissions whose covers do not say which is final"
    PERIOD_CONFLICT = "PERIOD_CONFLICT", _E, "submissions from one sender for different financial years"

    # --- monitoring returns and the tracker (after approval; jwmodel.monitoring, jwmodel.tracking) ---
    BAD_PERIOD = "BAD_PERIOD", _E, "a monitoring return's period is not a financial year or a quarter (2012/13 Q1)"
    MONITORING_LINE_UNKNOWN = (
        "MONITORING_LINE_UNKNOWN",
        _E,
        "a monitoring return reports a line ID that is not in the approved version; not counted",
    )
    MONITORING_LINE_TWICE = (
        "MONITORING_LINE_TWICE",
        _E,
        "a line is reported twice for one period; only the first report is counted",
    )
    MEASURE_UNKNOWN = "MEASURE_UNKNOWN", _E, "a measurement of a measure that is not in the benefits register"
    PERIOD_OUTSIDE_PLAN = "PERIOD_OUTSIDE_PLAN", _E, "a monitoring return for a period outside the version's plan"
    SIGN_OFF_MISSING = "SIGN_OFF_MISSING", _W, "a return marked final that nobody signed off"
    RETURN_DRAFT = "RETURN_DRAFT", _I, "a draft return: it counts in the figures only with --include-drafts"
    RETURN_REOPENED = "RETURN_REOPENED", _W, "a return sent after the final, signed-off one for its period reopens it"
    RETURN_LATE = "RETURN_LATE", _I, "a return that came after the date it was due"
    RETURN_OUTSTANDING = "RETURN_OUTSTANDING", _W, "a return due by now has not come: it is on the chase list"
    # --- the yearly true-up on actual drivers (jwmodel.trueup; issue 12) -------------------------------
    ACTUALS_TWICE = (
        "ACTUALS_TWICE",
        _E,
        "a monitoring return gives one driver's actual for a service and year twice: the return is refused",
    )
    ACTUALS_MISSING = (
        "ACTUALS_MISSING",
        _E,
        "a partner in a driver- or baseline-based split gave no actual for the year: its estimate stands",
    )
    ACTUALS_SERVICE_UNKNOWN = (
        "ACTUALS_SERVICE_UNKNOWN",
        _E,
        "an actual driver for a service area that is not in the approved version; not used",
    )
    ACTUALS_NOT_USED = (
        "ACTUALS_NOT_USED",
        _W,
        "an actual driver the split does not use (another driver, an agreed split, a partner not in it)",
    )
    # --- lines' identity, versions and targets (jwmodel.identity, jwmodel.versions; issue 11) ---
    LINE_ID_BAD = "LINE_ID_BAD", _E, "a line ID holds something other than letters, digits and - _ . /"
    LINE_ID_DUPLICATE = "LINE_ID_DUPLICATE", _E, "two lines of one file have one ID"
    LINE_ID_CLASH = "LINE_ID_CLASH", _W, "two lines from different files have one ID; both are counted"
    LINE_ID_VANISHED = "LINE_ID_VANISHED", _W, "a line of the older version has no line with its ID in the newer one"
    TARGET_DUPLICATE = "TARGET_DUPLICATE", _E, "a partner return gives one savings target twice for a year"
    TARGET_UNKNOWN = "TARGET_UNKNOWN", _W, "a line is tagged to a plan target its partner's return does not give"
    SAVING_CLAIMED_TWICE = (
        "SAVING_CLAIMED_TWICE",
        _W,
        "a line's saving is also claimed by another line of the programme",
    )
    SAVING_CLAIMED_ELSEWHERE = "SAVING_CLAIMED_ELSEWHERE", _W, "a line's saving is also claimed by another programme"
    # --- recharges between partners (jwmodel.recharges; issue 12) ----------------------------------
    RECHARGE_SELF = "RECHARGE_SELF", _E, "a recharge row names the return's own partner as the other partner"
    RECHARGE_YEARS = "RECHARGE_YEARS", _E, "a recharge row's to year is before its from year"
    RECHARGE_DUPLICATE = (
        "RECHARGE_DUPLICATE",
        _E,
        "a return states one charge (other partner, pays or receives, service area) twice for a year",
    )
    RECHARGE_MISMATCH = (
        "RECHARGE_MISMATCH",
        _W,
        "the payer and the receiver state different amounts for one charge; the payer's is eliminated",
    )
    RECHARGE_ONE_SIDED = "RECHARGE_ONE_SIDED", _W, "a charge between partners stated by one of them only"
    RECHARGE_CHARGES_DIFFER = (
        "RECHARGE_CHARGES_DIFFER",
        _W,
        "a baseline row's charges from other partners are not what its return pays them in the baseline year",
    )
    RECHARGE_OUTSIDE_PLAN = "RECHARGE_OUTSIDE_PLAN", _I, "a recharge row's years fall outside the plan; not counted"
    # --- the consolidated workbook's appraisal (issue 13) ------------------------------------------
    START_YEAR_BLANK = (
        "START_YEAR_BLANK",
        _W,
        "a saving line with no start year is counted from the plan's first year; payback may look immediate",
    )


def markdown_table() -> str:
    """The table of codes in docs/intake.md, generated from the registry."""
    rows = ["| code | severity | meaning |", "| --- | --- | --- |"]
    rows += [f"| `{c.value}` | {c.severity.value} | {c.meaning} |" for c in Code]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":  # pragma: no cover - exercised through the docs test
    if sys.argv[1:] != ["--markdown"]:
        sys.exit("usage: python -m jwmodel.codes --markdown")
    sys.stdout.write(markdown_table())
