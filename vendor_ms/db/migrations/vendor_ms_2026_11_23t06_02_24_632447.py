"""invoices.scorecard is dropped: the scorecard is stored once, inside `inputs`.

The stored inputs of every invoice have always held its scorecard (items, points, red lines,
score, ratio), so the column was a second copy of the same JSON, written for every draft of
every billing run. Readers take it from `inputs["scorecard"]`.

Generated with `piccolo migrations new vendor_ms --auto` against PostgreSQL; Piccolo also
proposed re-adding every table's `id`, which already exists, and that part is left out.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T06:02:24:632447"
VERSION = "1.38.0"
DESCRIPTION = "invoices: the scorecard lives in the stored inputs"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vendor_ms", description=DESCRIPTION)

    manager.drop_column(
        table_class_name="Invoice",
        tablename="invoices",
        column_name="scorecard",
        db_column_name="scorecard",
        schema=None,
    )

    return manager
