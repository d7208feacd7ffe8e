"""jwmodel: joint-working business cases between public bodies.

The engine (this package's top-level modules) is pure Python over plain data; ``jwmodel.excel``
holds the workbook adapters and ``jwmodel.cli`` the command line. The public API is the service
layer: :func:`consolidate_folder` gives a :class:`Run` (figures, findings, sources, DataFrames and
every output), :func:`check_files` checks files before they are sent, :func:`compare` consolidates
one folder under two sets of participation options.
"""

from jwmodel.business_case import AppraisalSettings
from jwmodel.service import Report, Run, UsageError, check_files, compare, consolidate_folder

__all__ = [
    "__version__",
    "AppraisalSettings",
    "Report",
    "Run",
    "UsageError",
    "check_files",
    "compare",
    "consolidate_folder",
]

__version__ = "0.1.0"
