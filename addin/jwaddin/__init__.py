"""Excel add-in: the jwmodel engine's functions in Excel, for classic xlwings, xlwings Lite and
xlwings Server.

``jwaddin.functions`` holds every custom function (JW_SHARES, JW_APPORTION, JW_SAVINGS_SUMMARY,
JW_BY_PARTNER, JW_CHECK_TOTAL, JW_FINDINGS); ``jwaddin.scripts`` every script
(jw_consolidate_returns). Both are thin: they convert what Excel sends, call the engine and convert
the result; the rules live in ``jwmodel``. Imported with no xlwings runtime (or without xlwings
installed at all) the functions are plain Python callables. See docs/excel-addin.md.
"""

from jwmodel.version import VERSION as __version__  # one version for the engine and the add-in

__all__ = ["__version__"]
