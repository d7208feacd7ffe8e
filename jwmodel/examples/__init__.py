"""Worked examples as engine data; the example workbooks are generated from them."""
