"""jwmodel: joint-working business cases between public bodies.

The engine (this package's top-level modules) is pure Python over plain data; ``jwmodel.excel``
holds the workbook adapters and ``jwmodel.cli`` the command line.
"""

__version__ = "0.1.0"
