"""Workbook adapters: templates, readers and writers. They hold no business rules."""
