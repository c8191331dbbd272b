"""Hand-written statements run straight on the driver, for reads that serve a request.

Building a Piccolo query costs more than PostgreSQL takes to answer it (a select with three
joins: about 0.3 ms of Python before anything is sent), and each query borrows a connection
of its own. A store module that must be fast writes its SQL once, as text, and runs it here:
all the statements of one read on one connection (the current transaction's, when there is
one), with the rows as Piccolo would give them (dicts, the same Python types: SQLite's
connections convert by declared column type exactly as Piccolo's do).

SQL uses PostgreSQL's numbered parameters `$1, $2, …`; for SQLite they become `?1, ?2, …`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from vendor_ms.db.sqlite import KeptSQLiteEngine

Row = dict[str, Any]


@lru_cache(maxsize=512)
def _sqlite_sql(sql: str) -> str:
    return re.sub(r"\$(\d+)", r"?\1", sql)


class Reader:
    """Runs statements on one connection (see `reading`)."""

    __slots__ = ("_connection", "_postgres")

    def __init__(self, connection: Any, *, postgres: bool) -> None:
        self._connection = connection
        self._postgres = postgres

    async def rows(self, sql: str, *args: Any) -> list[Row]:
        if self._postgres:
            return [dict(record) for record in await self._connection.fetch(sql, *args)]
        return list(await self._connection.execute_fetchall(_sqlite_sql(sql), args))

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
