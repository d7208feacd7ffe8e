"""xlwings Server loads the scripts from this package: the add-in's, unchanged."""

from jwaddin.scripts import *  # noqa: F401,F403
