"""jwmodel: joint-working business cases between public bodies.

The engine (this package's top-level modules) is pure Python over plain data; ``jwmodel.excel``
holds the workbook adapters and ``jwmodel.cli`` the command line. The public API is the service
layer: :func:`consolidate_folder` gives a :class:`Run` (figures, findings, sources, DataFrames and
every output), :func:`check_files` checks files before they are sent, :func:`compare` consolidates
one folder under two sets of participation options.

The service layer is loaded on first use, so importing an engine module (``jwmodel.money``) loads
no adapter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jwmodel.business_case import AppraisalSettings
    from jwmodel.service import (  # versions (issue 11)
        Report,
        Run,
        Tracking,
        TrueUpRun,
        UsageError,
        check_files,
        compare,
        consolidate_and_write,
        consolidate_folder,
        leaver_statement,
        load_version,
        save_version,
        track,
        true_up,
        version_of,
        write_leaver,
        write_outputs,
        write_templates,
    )

__all__ = [
    "__version__",
    "AppraisalSettings",
    "Report",
    "Run",
    "UsageError",
    "check_files",
    "compare",
    "consolidate_folder",
    "write_templates",
    "load_version",
    "save_version",
    "version_of",
    "Verification",
    "verify_version",
    "compare_versions",
    "write_changes",
    "Tracking",
    "track",
    "TrueUpRun",
    "true_up",
    "write_outputs",
    "leaver_statement",
    "write_leaver",
    "consolidate_and_write",
]

from jwmodel.version import VERSION as __version__  # noqa: E402

_SERVICE = {"Report", "Run", "UsageError", "check_files", "compare", "consolidate_folder"}
_SERVICE |= {"load_version", "save_version", "version_of", "Verification", "verify_version", "compare_versions"}
_SERVICE |= {"write_changes"}  # versions of the business case (issue 11)
_SERVICE |= {"write_templates"}  # templates to send (issue 13)
_SERVICE |= {"Tracking", "track"}  # after approval: tracking the benefits (issue 11)
_SERVICE |= {"TrueUpRun", "true_up"}  # the yearly true-up on actual drivers (issue 12)
_SERVICE |= {"write_outputs", "consolidate_and_write"}  # every output, on both cores where it pays (issue 14)
_SERVICE |= {"leaver_statement", "write_leaver"}  # a partner leaving the partnership (issue 12)


def __getattr__(name: str) -> Any:
    """The public API, imported when first asked for (PEP 562)."""
    if name in _SERVICE:
        from jwmodel import service

        return getattr(service, name)
    if name == "AppraisalSettings":
        from jwmodel.business_case import AppraisalSettings

        return AppraisalSettings
    raise AttributeError(f"module 'jwmodel' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
