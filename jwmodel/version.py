"""The jwmodel version, written once: the package metadata (pyproject.toml reads it), ``jwmodel.__version__``,
``jwmodel --version`` and the footer of every workbook jwmodel writes."""

VERSION = "0.1.0"
