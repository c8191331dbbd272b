"""invoices: storage for what billing runs write, thousands of drafts at a time.

* Two indexes go: `invoices_contract`, which `invoices_contract_period` (contract, period)
  already covers, and `invoices_status`, four values that no query can use to narrow much.
  Every draft a billing run writes or replaces updated both.
* PostgreSQL keeps invoice rows whole (`toast_tuple_target`): a row is ~2-3 kB of lines and
  inputs JSON, which PostgreSQL would otherwise try to compress on every write and decompress
  on every read. SQLite has no such setting.

Generated with `piccolo migrations new vendor_ms --auto` against PostgreSQL; Piccolo also
proposed re-adding every table's `id`, which already exists, and that part is left out.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey, Varchar

ID = "2026-11-23T06:12:00:720155"
VERSION = "1.38.0"
DESCRIPTION = "invoices: storage for billing runs' writes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vendor_ms", description=DESCRIPTION)

    async def keep_rows_whole():
        from piccolo.engine.postgres import PostgresEngine

        from vendor_ms.db.tables import Invoice

        if isinstance(Invoice._meta.db, PostgresEngine):
            await Invoice.raw("ALTER TABLE invoices SET (toast_tuple_target = 8160)").run()

    manager.add_raw(keep_rows_whole)

    manager.alter_column(
        table_class_name="Invoice",
        tablename="invoices",
        column_name="contract",
        db_column_name="contract",
        params={"index": False},
        old_params={"index": True},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Invoice",
        tablename="invoices",
        column_name="status",
        db_column_name="status",
        params={"index": False},
        old_params={"index": True},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
