"""One root for every exception jwmodel raises on purpose, so a caller can catch them all.

Problems in submitted files are not raised: they are findings (``jwmodel.findings``). These are
for a caller's own mistakes (an impossible split, an appraisal without years, a cell value a
function cannot take). Each subclass also keeps its older base (``ValueError``, ``RuntimeError``),
so code that catches those keeps working.
"""

from __future__ import annotations

__all__ = ["JwmodelError"]


class JwmodelError(Exception):
    """The root of jwmodel's exceptions: ``except JwmodelError`` catches every one of them."""
