"""Contracts, their versions (amendments), shops, vendors and the accounts bound to them."""
