# xlwings Lite: paste this into the main.py tab of the model workbook's xlwings Lite editor.
# The functions and the scripts come from the jwaddin package listed in requirements.txt;
# nothing here holds a rule of its own. See docs/excel-addin.md, "xlwings Lite".
from jwaddin.functions import *  # noqa: F401,F403  JW_SHARES, JW_APPORTION, JW_SAVINGS_SUMMARY...
from jwaddin.scripts import jw_check_return, jw_consolidate_returns  # noqa: F401  the Read me's two buttons
