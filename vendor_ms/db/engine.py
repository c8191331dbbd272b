"""Engines from `VENDOR_MS_DATABASE_URL`, binding tables to them, and running migrations.

`sqlite:///relative.sqlite3`, `sqlite:////absolute/path.sqlite3` or `postgresql://...`.
SQLite databases are migrated automatically when opened; PostgreSQL ones by `vendor-ms migrate`
(the server refuses to start on a PostgreSQL schema with pending migrations).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from vendor_ms.db.sqlite import KeptSQLiteEngine

os.environ.setdefault("PICCOLO_CONF", "vendor_ms.db.piccolo_conf")

T = TypeVar("T")

# Concurrent writers wait this long for SQLite's lock instead of failing at once.
SQLITE_BUSY_TIMEOUT_S = 30


class DatabaseUrlError(ValueError):
    pass


def sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        raise DatabaseUrlError(f"not a SQLite URL: {url!r} (expected sqlite:///path/to/file.sqlite3)")
    path = url[len("sqlite:///") :]
    if not path:
        raise DatabaseUrlError("the SQLite URL names no file")
    return Path(path)


def engine_from_url(url: str, *, pool_max_size: int = 10) -> Engine[Any]:
    if url.startswith("sqlite:"):
        path = sqlite_path(url)
        return KeptSQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_S)
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresEngine(config={"dsn": url}, extra_nodes=None, log_queries=False)
    raise DatabaseUrlError(f"unsupported database URL {url!r}: use sqlite:///path/to/file.sqlite3 or postgresql://...")


def is_postgres(engine: Engine[Any]) -> bool:
    return isinstance(engine, PostgresEngine)


def bind(engine: Engine[Any]) -> None:
    """Point every table (ours and Piccolo's migration table) and Piccolo's config at `engine`."""
    from piccolo.apps.migrations.tables import Migration

    from vendor_ms.db import piccolo_conf
    from vendor_ms.db.tables import TABLES

    piccolo_conf.DB = engine
    for table in (*TABLES, Migration):
        table._meta.db = engine  # type: ignore[attr-defined]


async def pending_migrations() -> list[str]:
    from piccolo.apps.migrations.commands.check import CheckMigrationManager

    manager = CheckMigrationManager(app_name="vendor_ms")
    rows = await manager.get_migration_statuses()
    return [row.migration_id for row in rows if not row.has_ran]


async def migrate() -> list[str]:
    """Apply pending migrations; returns the ids applied.

    Piccolo narrates on stdout; that is swallowed so commands whose stdout is data (a token,
    an exported contract) stay clean. The ids applied are returned for the caller to report.
    """
    from piccolo.apps.migrations.commands.forwards import ForwardsMigrationManager

    with contextlib.redirect_stdout(io.StringIO()) as narration:
        pending = await pending_migrations()
        if pending:
            manager = ForwardsMigrationManager(app_name="vendor_ms", migration_id="all", fake=False)
            result = await manager.run()
            if not result.success:
                raise RuntimeError(f"migration failed: {result.message}\n{narration.getvalue()}")
    return pending


async def _prepare_sqlite(engine: SQLiteEngine) -> None:
    # WAL lets readers go on while one writer writes; set once, it persists in the file.
    await engine.run_ddl("PRAGMA journal_mode=WAL")


async def _no_session_state(connection: Any) -> None:
    """What a pooled PostgreSQL connection needs when returned, beyond the rollback of an open
    transaction that asyncpg always does: nothing. vendor-ms keeps no session state (no SET, no
    session advisory locks, no LISTEN, no cursors WITH HOLD; temporary tables are ON COMMIT DROP),
    so asyncpg's default reset query (RESET ALL, UNLISTEN *, …) would be a round trip per query
    that finds nothing to reset."""


@asynccontextmanager
async def open_database(
    url: str, *, pool_max_size: int = 10, auto_migrate: bool | None = None
) -> AsyncIterator[Engine[Any]]:
    """Open (and for SQLite create and migrate) the database at `url`, bound to every table."""
    engine = engine_from_url(url, pool_max_size=pool_max_size)
    bind(engine)
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(max_size=pool_max_size, min_size=1, reset=_no_session_state)
    try:
        if isinstance(engine, KeptSQLiteEngine):
            sqlite_path(url).parent.mkdir(parents=True, exist_ok=True)
            await _prepare_sqlite(engine)
            if auto_migrate is not False:
                await migrate()
        elif auto_migrate:
            await migrate()
        yield engine
    finally:
        if isinstance(engine, PostgresEngine):
            await engine.close_connection_pool()
        elif isinstance(engine, KeptSQLiteEngine):
            await engine.close_connections()


def current_engine() -> Engine[Any]:
    from vendor_ms.db.tables import Shop

    return Shop._meta.db


def transaction() -> Any:
    """A write transaction on the bound engine (joins the current one when nested).

    SQLite transactions start IMMEDIATE so two writers queue for the lock up front instead
    of deadlocking on a lock upgrade halfway through.
    """
    engine = current_engine()
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


async def copy_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Bulk-write rows in the current transaction: COPY on PostgreSQL, executemany on SQLite.

    The set-based path for large writes (drafts of a billing run, benchmark set-up); Piccolo's
    per-row INSERT machinery costs more than the database does at these sizes.
    """
    engine = current_engine()
    current = engine.current_transaction.get()
    if current is None:
        raise RuntimeError("copy_rows must run inside transaction()")
    if isinstance(engine, PostgresEngine):
        await current.connection.copy_records_to_table(table, records=rows, columns=list(columns))
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    await current.connection.executemany(sql, [tuple(map(_sqlite_value, row)) for row in rows])


def _sqlite_value(value: Any) -> Any:
    # As Piccolo stores them: dates ISO, aware datetimes as UTC text.
    if isinstance(value, datetime):
        return str(value.astimezone(UTC) if value.tzinfo else value)
    if isinstance(value, date):
        return value.isoformat()
    return value


async def write_behind(chunks: AsyncIterable[T], write: Callable[[T], Awaitable[None]]) -> None:
    """`write(chunk)` for each chunk in order, each while the next chunk is being made.

    For rows that are expensive to make (a billing run's drafts): the database deletes, parses,
    checks and indexes chunk k while Python makes chunk k+1, instead of each waiting for the
    other. One write at a time, in order, on the current transaction's connection; the maker of
    the chunks should yield to the event loop now and then, so that a write of several
    statements can send the next one.
    """
    pending: asyncio.Future[None] | None = None
    try:
        async for chunk in chunks:  # making this chunk overlaps the previous chunk's write
            if pending is not None:
                await pending
            # A task inherits this context, so it writes in the current transaction.
            pending = asyncio.ensure_future(write(chunk))
            await asyncio.sleep(0)
    finally:
        if pending is not None:
            await pending


async def reserve_ids(table: str, count: int) -> list[int]:
    """`count` fresh ids of `table`'s serial `id`, for rows written with `copy_rows` (COPY cannot
    return them). Call inside `transaction()`: on SQLite it holds the write lock from its start
    (IMMEDIATE), so nobody else takes the same ids; PostgreSQL's sequence is safe to share anyway
    (an unused id is only a gap, as after any rollback)."""
    if count <= 0:
        return []
    if isinstance(current_engine(), PostgresEngine):
        rows = await execute(
            f"SELECT array_agg(nextval(pg_get_serial_sequence('{table}', 'id'))) AS ids FROM generate_series(1, {{}})",
            count,
        )
        return [int(i) for i in rows[0]["ids"]]
    rows = await execute(f"SELECT COALESCE(MAX(id), 0) AS top FROM {table}")
    top = int(rows[0]["top"])
    return list(range(top + 1, top + 1 + count))


async def execute(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Raw SQL with `{}` placeholders through the bound engine (and its current transaction):
    straight on the driver (`db.statements`), as Piccolo's raw queries would run it."""
    from vendor_ms.db.statements import reading

    async with reading() as read:
        return await read.rows(sql, *args)
