"""The bulk write path of ingestion: staging table, then set-based statements. No per-row ORM.

Inside the caller's transaction the validated records are loaded into a temporary staging table
(PostgreSQL: COPY through asyncpg's `copy_records_to_table`; SQLite: one prepared INSERT run with
executemany), then:

- records equal to the account-day's latest revision are *unchanged* and written nowhere;
- the others are appended to `daily_record_revisions` as revision (latest + 1) and upserted into
  `daily_records` (`inserted` when the account-day had no record, `revised` otherwise).

On PostgreSQL that is one statement with data-modifying CTEs; SQLite, which has none, runs the
same three steps as three statements. Revision numbers are gapless because the service locks
the batch's accounts first, so no other batch touches these account-days until commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from piccolo.engine.postgres import PostgresTransaction
from piccolo.engine.sqlite import SQLiteTransaction

from vendor_ms.performance.queries import STORAGE_COLUMNS

STAGE = "ingest_stage"
STAGE_COLUMNS: tuple[str, ...] = ("account", "contract", "day", *STORAGE_COLUMNS)

# A staged record: (account_id, contract_id, day, *values in STORAGE_COLUMNS order).
StageRow = tuple[Any, ...]

_VALUES = ", ".join(STORAGE_COLUMNS)
_S_VALUES = ", ".join(f"s.{c}" for c in STORAGE_COLUMNS)
# A record differs from the latest revision when its contract or any value differs (all NOT NULL).
_DIFFERS = " OR ".join(f"s.{c} <> d.{c}" for c in ("contract", *STORAGE_COLUMNS))
_SET_LATEST = ", ".join(
    f"{c} = excluded.{c}" for c in ("contract", "revision", "batch", "updated_at", *STORAGE_COLUMNS)
)


class Counts(NamedTuple):
    """What one write did: account-days that had no record, and those given a new revision."""

    inserted: int
    revised: int


# ---------------------------------------------------------------------------------------------
# PostgreSQL

_PG_STAGE = (
    f"CREATE TEMPORARY TABLE {STAGE} (account integer NOT NULL, contract integer NOT NULL, day date NOT NULL, "
    + ", ".join(f"{c} bigint NOT NULL" for c in STORAGE_COLUMNS)
    + ") ON COMMIT DROP"
)

# The LATERAL subquery (kept a subquery by OFFSET 0) makes the comparison an index probe per
# staged record instead of a hash join over the whole of daily_records, which grows forever.
_PG_WRITE = f"""
WITH changed AS MATERIALIZED (
    SELECT s.*, d.revision AS previous
    FROM {STAGE} s
    LEFT JOIN LATERAL (
        SELECT d.revision, d.contract, {", ".join(f"d.{c}" for c in STORAGE_COLUMNS)}
        FROM daily_records d WHERE d.account = s.account AND d.day = s.day OFFSET 0
    ) d ON true
    WHERE d.revision IS NULL OR {_DIFFERS}
), history AS (
    INSERT INTO daily_record_revisions (batch, account, contract, day, revision, submitted_at, {_VALUES})
    SELECT $1, account, contract, day, COALESCE(previous, 0) + 1, $2, {_VALUES} FROM changed
), latest AS (
    INSERT INTO daily_records (account, contract, day, revision, batch, updated_at, {_VALUES})
    SELECT account, contract, day, COALESCE(previous, 0) + 1, $1, $2, {_VALUES} FROM changed
    ON CONFLICT (account, day) DO UPDATE SET {_SET_LATEST}
)
SELECT count(*) FILTER (WHERE previous IS NULL) AS inserted,
       count(*) FILTER (WHERE previous IS NOT NULL) AS revised
FROM changed
"""

_PG_UNCHANGED = f"""
SELECT count(*) AS unchanged FROM {STAGE} s
JOIN LATERAL (
    SELECT d.contract, {", ".join(f"d.{c}" for c in STORAGE_COLUMNS)}
    FROM daily_records d WHERE d.account = s.account AND d.day = s.day OFFSET 0
) d ON true
WHERE NOT ({_DIFFERS})
"""


async def _pg_stage(tx: PostgresTransaction, rows: Sequence[StageRow]) -> None:
    connection = tx.connection
    # pg_temp: only ever this session's temporary table (a second batch in one transaction).
    await connection.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGE}")
    await connection.execute(_PG_STAGE)
    await connection.copy_records_to_table(STAGE, records=rows, columns=STAGE_COLUMNS)


async def _pg_lock_accounts(tx: PostgresTransaction, account_ids: Sequence[int]) -> None:
    # NO KEY UPDATE serialises ingestions of the same accounts (in id order, so two batches
    # cannot deadlock) without blocking inserts elsewhere that merely reference the accounts.
    await tx.connection.execute(
        "SELECT id FROM accounts WHERE id = ANY($1::integer[]) ORDER BY id FOR NO KEY UPDATE",
        sorted(set(account_ids)),
    )


# ---------------------------------------------------------------------------------------------
# SQLite

_SQLITE_STAGE = (
    f"CREATE TEMPORARY TABLE {STAGE} (account INTEGER NOT NULL, contract INTEGER NOT NULL, day DATE NOT NULL, "
    + ", ".join(f"{c} INTEGER NOT NULL" for c in STORAGE_COLUMNS)
    + ")"
)
_SQLITE_FILL = f"INSERT INTO temp.{STAGE} VALUES ({', '.join('?' for _ in STAGE_COLUMNS)})"
_SQLITE_JOIN = f"FROM temp.{STAGE} s LEFT JOIN daily_records d ON d.account = s.account AND d.day = s.day"
_SQLITE_COUNT = (
    "SELECT COALESCE(SUM(CASE WHEN d.id IS NULL THEN 1 ELSE 0 END), 0) AS inserted,"
    f" COALESCE(SUM(CASE WHEN d.id IS NOT NULL AND ({_DIFFERS}) THEN 1 ELSE 0 END), 0) AS revised {_SQLITE_JOIN}"
)
_SQLITE_HISTORY = (
    f"INSERT INTO daily_record_revisions (batch, account, contract, day, revision, submitted_at, {_VALUES})"
    f" SELECT ?, s.account, s.contract, s.day, COALESCE(d.revision, 0) + 1, ?, {_S_VALUES}"
    f" {_SQLITE_JOIN} WHERE d.id IS NULL OR {_DIFFERS}"
)
# `WHERE` before `ON CONFLICT` is required by SQLite's parser for INSERT ... SELECT upserts.
_SQLITE_LATEST = (
    f"INSERT INTO daily_records (account, contract, day, revision, batch, updated_at, {_VALUES})"
    f" SELECT s.account, s.contract, s.day, COALESCE(d.revision, 0) + 1, ?, ?, {_S_VALUES}"
    f" {_SQLITE_JOIN} WHERE d.id IS NULL OR {_DIFFERS}"
    f" ON CONFLICT (account, day) DO UPDATE SET {_SET_LATEST}"
)


async def _sqlite_stage(tx: SQLiteTransaction, rows: Sequence[StageRow]) -> None:
    connection = tx.connection
    await connection.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
    await connection.execute(_SQLITE_STAGE)
    # Dates as ISO text, which is how Piccolo stores them in SQLite (and so what they compare to).
    await connection.executemany(_SQLITE_FILL, [(r[0], r[1], r[2].isoformat(), *r[3:]) for r in rows])


async def _sqlite_fetch(tx: SQLiteTransaction, sql: str, *args: Any) -> dict[str, Any]:
    async with tx.connection.execute(sql, args) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return dict(row)


# ---------------------------------------------------------------------------------------------
# the engine-neutral steps the service calls


async def lock_accounts(tx: Any, account_ids: Sequence[int]) -> None:
    """Serialise batches touching these accounts until commit (SQLite: the write lock already does)."""
    if isinstance(tx, PostgresTransaction):
        await _pg_lock_accounts(tx, account_ids)


async def lock_key(tx: Any, key: str) -> None:
    """Serialise requests that carry the same idempotency key (SQLite: the write lock already does)."""
    if isinstance(tx, PostgresTransaction):
        await tx.connection.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"vms:ingest:{key}")


async def stage(tx: Any, rows: Sequence[StageRow]) -> None:
    """Load the records into this transaction's staging table."""
    if isinstance(tx, PostgresTransaction):
        await _pg_stage(tx, rows)
    else:
        await _sqlite_stage(tx, rows)


async def count_unchanged(tx: Any) -> int:
    """How many staged records equal their account-day's latest revision."""
    if isinstance(tx, PostgresTransaction):
        return int(await tx.connection.fetchval(_PG_UNCHANGED))
    counts = await _sqlite_fetch(tx, f"SELECT COUNT(*) AS n {_SQLITE_JOIN} WHERE d.id IS NOT NULL AND NOT ({_DIFFERS})")
    return int(counts["n"])


async def write_staged(tx: Any, batch_id: int, now: datetime) -> Counts:
    """Write every staged record that changes something as a new revision; (inserted, revised)."""
    if isinstance(tx, PostgresTransaction):
        # The planner prices the per-record index probes high enough to JIT-compile a statement
        # that runs in well under a second; compiling only adds to it.
        await tx.connection.execute("SET LOCAL jit = off")
        row = await tx.connection.fetchrow(_PG_WRITE, batch_id, now)
        return Counts(int(row["inserted"]), int(row["revised"]))
    counts = await _sqlite_fetch(tx, _SQLITE_COUNT)
    await tx.connection.execute(_SQLITE_HISTORY, (batch_id, now))
    await tx.connection.execute(_SQLITE_LATEST, (batch_id, now))
    await tx.connection.execute(f"DROP TABLE temp.{STAGE}")
    return Counts(int(counts["inserted"]), int(counts["revised"]))
