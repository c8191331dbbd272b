"""Billing: incidents, billing runs, invoices and their lifecycle, live scorecards."""
