"""daily_records is a projection of daily_record_revisions: its references are checked there.

Every row of daily_records is written by the ingestion statement that inserts the same (account,
contract, batch) into daily_record_revisions, whose foreign keys check them; and nothing that
daily_records references can be deleted while the history references it (ON DELETE RESTRICT
there). Checking the same references a second time per row was a third of the cost of
ingesting on PostgreSQL, so the projection's own foreign keys are dropped there.

SQLite cannot drop a constraint in place (it would mean rebuilding the table), and its checks
are cheap, so it keeps them. The statements are guarded by engine, hence a function.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "daily_records: references checked on the revision history only (PostgreSQL)"

CONSTRAINTS = ("daily_records_account_fkey", "daily_records_contract_fkey", "daily_records_batch_fkey")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vendor_ms", description=DESCRIPTION)

    async def drop_projection_foreign_keys():
        from piccolo.engine.postgres import PostgresEngine

        from vendor_ms.db.tables import DailyRecord

        if not isinstance(DailyRecord._meta.db, PostgresEngine):
            return
        for name in CONSTRAINTS:
            await DailyRecord.raw(f"ALTER TABLE daily_records DROP CONSTRAINT IF EXISTS {name}").run()

    manager.add_raw(drop_projection_foreign_keys)
    return manager
