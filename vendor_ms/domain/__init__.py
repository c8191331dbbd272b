"""The pure core of vendor-ms: contracts, metrics, scorecards, pricing and invoices.

Plain Python, `Decimal` and `Fraction` only: no database, no HTTP, no clock, no files.
"""
