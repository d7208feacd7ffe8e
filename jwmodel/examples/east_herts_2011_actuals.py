"""East Herts and Stevenage after year 1 (2012/13, the first year of sharing): actual drivers for the true-up.

ILLUSTRATIVE: the report gives no figures. The approved version is the East Herts example
(``jwmodel.examples.east_herts_2011``) under its default option, EHC and SBC, every service area's
joint costs and savings split by share of net baseline. At the year end each council states its actual
net cost of each service on its monitoring return (the *Actual drivers* sheet, driver ``baseline net``),
and ``jwmodel true-up`` works out the year's balancing payments:

* Facilities Management: 700 and 800 give 47/53 against the estimated 41/59 (620 and 880): a move of 6
  points, beyond the 3-point tolerance: trued up (capped at 46/54 with ``--cap 5``).
* Human Resources: 520 and 680 give 43/57 against 42/58: a move of 1 point: the estimate stands.
* ICT 1,480 and 1,790 give 45/55 against 44/56, and Strategic Financial Advice 390 and 440 give 47/53 against
  46/54: 1 point each, both stand.
* Facilities Management's redundancy costs (FM-C01, 2012/13) carry their own split, share of baseline by FTE:
  each council also states its actual FTE in the service (driver ``baseline FTE``). 15.0 and 20.0 give 43/57
  against the estimated 40/60 (14.0 and 21.0): a move of exactly 3 points, which the tolerance lets stand.

This module is data only; ``jwmodel.excel.monitoring_example.write_actuals_example`` writes the workbooks.
"""

from __future__ import annotations

from decimal import Decimal as D

ILLUSTRATIVE = "ILLUSTRATIVE: invented to show the true-up; the report gives no figures"
FOLDER = "east-herts-stevenage-2011-actuals"
VERSION_NAME = "Executive February 2011"
VERSION_FILE = "approved-version.json"
VERSION_CREATED = "2011-03-31"
YEAR = "2012/13"
PERIOD = "2012/13"  # the year-end return
DRIVER = "baseline net"
BASIS = "Outturn net cost 2012/13, £000s (ILLUSTRATIVE)"

CONTACTS = {
    "EHC": ("East Herts finance (example)", "finance@ehc.example", "2013-05-10"),
    "SBC": ("Stevenage finance (example)", "finance@sbc.example", "2013-05-14"),
}
SIGN_OFF = {
    "EHC": ("Director of Finance (example)", "Section 151 officer"),
    "SBC": ("Chief Finance Officer (example)", "Section 151 officer"),
}

FTE_DRIVER = "baseline FTE"  # the actual a line's own split by FTE is trued up on
FTE_BASIS = "FTE in post at 31 March 2013 (ILLUSTRATIVE)"

# Each council's actual FTE (a line's own split by FTE: the FM redundancy costs), in 2012/13.
FTE_ACTUALS = {"EHC": {"Facilities Management": D("15.0")}, "SBC": {"Facilities Management": D("20.0")}}

# Each council's actual net cost (£000s) of each service area in 2012/13.
ACTUALS = {
    "EHC": {
        "Facilities Management": D(700),
        "Human Resources": D(520),
        "ICT": D(1480),
        "Strategic Financial Advice": D(390),
    },
    "SBC": {
        "Facilities Management": D(800),
        "Human Resources": D(680),
        "ICT": D(1790),
        "Strategic Financial Advice": D(440),
    },
}
