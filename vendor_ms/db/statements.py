"""Hand-written statements run straight on the driver, for reads that serve a request.

Building a Piccolo query costs more than PostgreSQL takes to answer it (a select with three
joins: about 0.3 ms of Python before anything is sent), and each query borrows a connection
of its own. A store module that must be fast writes its SQL once, as text, and runs it here:
all the statements of one read on one connection (the current transaction's, when there is
one), with the rows as Piccolo would give them (dicts, the same Python types: SQLite's
connections convert by declared column type exactly as Piccolo's do).

SQL marks each parameter `{}`, as `engine.execute` and Piccolo's raw queries do, and the
arguments follow in that order; for PostgreSQL the marks become `$1, $2, …`, for SQLite `?`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from vendor_ms.db.sqlite import KeptSQLiteEngine

Row = dict[str, Any]


@lru_cache(maxsize=1024)
def _compiled(sql: str, postgres: bool) -> str:
    if not postgres:
        return sql.replace("{}", "?")
    parts = sql.split("{}")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], start=1)) + parts[-1]


class Reader:
    """Runs statements on one connection (see `reading`)."""

    __slots__ = ("_connection", "_postgres")

    def __init__(self, connection: Any, *, postgres: bool) -> None:
        self._connection = connection
        self._postgres = postgres

    async def rows(self, sql: str, *args: Any) -> list[Row]:
        if self._postgres:
            return [dict(record) for record in await self._connection.fetch(_compiled(sql, True), *args)]
        return list(await self._connection.execute_fetchall(_compiled(sql, False), args))

    async def row(self, sql: str, *args: Any) -> Row | None:
        found = await self.rows(sql, *args)
        return found[0] if found else None


@asynccontextmanager
async def reading() -> AsyncIterator[Reader]:
    """A `Reader` on the current transaction's connection, else on one borrowed for the block."""
    from vendor_ms.db.engine import current_engine

    engine = current_engine()
    postgres = isinstance(engine, PostgresEngine)
    transaction = engine.current_transaction.get()
    if transaction is not None:
        yield Reader(transaction.connection, postgres=postgres)
    elif postgres:
        assert isinstance(engine, PostgresEngine) and engine.pool is not None, "the connection pool is not running"
        async with engine.pool.acquire() as connection:
            yield Reader(connection, postgres=True)
    else:
        assert isinstance(engine, KeptSQLiteEngine)
        async with engine.connection() as connection:
            yield Reader(connection, postgres=False)
