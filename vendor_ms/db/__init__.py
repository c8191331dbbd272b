"""Persistence: Piccolo tables, migrations, and binding them to the configured engine."""
