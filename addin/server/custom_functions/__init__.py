"""xlwings Server loads the custom functions from this package: the add-in's, unchanged."""

from jwaddin.functions import *  # noqa: F401,F403
