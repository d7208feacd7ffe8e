"""Excel add-in: the engine's functions for classic xlwings, xlwings Lite and xlwings Server."""
