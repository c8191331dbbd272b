"""A SQLite engine that keeps its connections open between statements.

Piccolo's `SQLiteEngine` opens a new connection (a new thread, the file opened, the schema
parsed) for every statement outside a transaction and makes five round trips to that thread
per statement: about 5 ms for a read that SQLite answers in microseconds. `KeptSQLiteEngine`
runs those statements on a few connections it keeps open, configured as Piccolo configures a new
one (its connection settings, dict rows, foreign keys on), in one round trip each.

Transactions are unchanged: each `transaction()` still has a connection of its own, opened at
its start and closed at its end, so a statement outside a transaction never runs inside one
(the kept connections are in autocommit mode, and one found inside a transaction is rolled back
before it is used again).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.querystring import QueryString

# Statements outside transactions that may run at once; more wait for a connection.
KEPT_CONNECTIONS = 4
# SQLite learned RETURNING in 3.35; before, Piccolo needs a second statement for an insert's id.
_RETURNING = 3.35


class KeptSQLiteEngine(SQLiteEngine):
    def __init__(self, path: str, *, connections: int = KEPT_CONNECTIONS, **connection_kwargs: Any) -> None:
        super().__init__(path=path, **connection_kwargs)
        self._idle: list[aiosqlite.Connection] = []
        self._slots = asyncio.Semaphore(connections)

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> Any:
        if self.current_transaction.get() is not None or self.get_version_sync() < _RETURNING:
            return await super().run_querystring(querystring, in_pool)
        query, args = querystring.compile_string(engine_type=self.engine_type)
        return await self.fetch(query, args)

    async def run_ddl(self, ddl: str, in_pool: bool = False) -> Any:
        if self.current_transaction.get() is not None:
            return await super().run_ddl(ddl, in_pool)
        return await self.fetch(ddl, [])

    async def fetch(self, sql: str, args: Any) -> list[dict[str, Any]]:
        """Every row of one statement outside any transaction, on a kept connection."""
        async with self.connection() as connection:
            rows: Any = await connection.execute_fetchall(sql, args)  # dicts: Piccolo's row factory
            return list(rows)

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[aiosqlite.Connection]:
        """A kept connection for the block (autocommit: each statement commits on its own)."""
        async with self._slots:
            connection = self._idle.pop() if self._idle else await self.get_connection()
            try:
                yield connection
            finally:
                await self._keep(connection)

    async def _keep(self, connection: aiosqlite.Connection) -> None:
        try:
            if connection.in_transaction:  # someone sent BEGIN outside transaction(): undo it
                await connection.rollback()
        except (ValueError, sqlite3.Error):  # closed or broken: open another next time
            await asyncio.shield(connection.close())
            return
        self._idle.append(connection)

    async def close_connections(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()
