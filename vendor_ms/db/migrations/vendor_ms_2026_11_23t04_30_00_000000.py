"""Composite and partial indexes Piccolo cannot declare, as raw SQL valid on SQLite and PostgreSQL.

(Piccolo runs a migration's raw SQL before its table changes, hence a migration of its own.)
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T04:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite and partial indexes"

INDEXES = (
    "CREATE UNIQUE INDEX daily_records_account_day ON daily_records (account, day)",
    "CREATE INDEX daily_records_contract_day ON daily_records (contract, day)",
    "CREATE INDEX daily_record_revisions_account_day ON daily_record_revisions (account, day, revision)",
    "CREATE UNIQUE INDEX contract_versions_contract_version ON contract_versions (contract, version)",
    "CREATE UNIQUE INDEX user_shops_owner_shop ON user_shops (owner, shop_code)",
    "CREATE UNIQUE INDEX ingest_batches_idempotency ON ingest_batches (submitted_by, idempotency_key)"
    " WHERE idempotency_key IS NOT NULL",
    "CREATE INDEX incidents_contract_day ON incidents (contract, day)",
    "CREATE INDEX account_bindings_account_from ON account_bindings (account, active_from)",
    "CREATE INDEX invoices_contract_period ON invoices (contract, period)",
    # At most one live (non-void) billing-run document per contract and period (a negative one
    # is a credit note too; only void credit notes point at another invoice): a second billing
    # run or a race can never produce two bills for the same month.
    "CREATE UNIQUE INDEX invoices_one_live_per_period ON invoices (contract, period)"
    " WHERE credit_note_for IS NULL AND status <> 'void'",
    "CREATE INDEX audit_events_actor ON audit_events (actor_id)",
    # Deleting replaced drafts checks the self-reference per row; without this, a seq scan each.
    "CREATE INDEX invoices_credit_note_for ON invoices (credit_note_for)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vendor_ms", description=DESCRIPTION)

    async def create_indexes():
        # Table.raw runs on the engine bound by vendor_ms.db.engine.bind().
        from vendor_ms.db.tables import Shop

        for statement in INDEXES:
            await Shop.raw(statement).run()

    manager.add_raw(create_indexes)
    return manager
