"""Vendor comparison: a shop's vendors side by side, with the category benchmark."""
