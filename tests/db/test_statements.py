"""Hand-written reads (`db.statements`) and SQLite's kept connections: the same rows as Piccolo
gives, the current transaction's view inside one, autocommit outside."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from vendor_ms import clock
from vendor_ms.db.engine import current_engine, sqlite_path, transaction
from vendor_ms.db.sqlite import KEPT_CONNECTIONS, KeptSQLiteEngine
from vendor_ms.db.statements import reading
from vendor_ms.db.tables import ApiToken, User

TOKENS = "SELECT id, owner, token_hash, label, created_at, expires_at, revoked_at, last_used_at FROM api_tokens"


async def test_rows_are_what_piccolo_gives_of_the_same_columns(db, make_token) -> None:
    await make_token("admin", expires_at=clock.now() + timedelta(days=3))
    await make_token("vendor", vendor="yunke")
    await ApiToken.update({ApiToken.last_used_at: clock.now()}).where(ApiToken.id == 1)
    columns = (ApiToken.id, ApiToken.owner, ApiToken.token_hash, ApiToken.label, ApiToken.created_at)
    columns += (ApiToken.expires_at, ApiToken.revoked_at, ApiToken.last_used_at)
    expected = await ApiToken.select(*columns).order_by(ApiToken.id)
    async with reading() as read:
        rows = await read.rows(TOKENS + " ORDER BY id")
        one = await read.row(TOKENS + " WHERE label = {} AND id = {}", "", 2)
        none = await read.row(TOKENS + " WHERE id = {}", 99)
    assert rows == expected
    assert [type(v) for v in rows[0].values()] == [type(v) for v in expected[0].values()]
    assert one == expected[1] and none is None


async def test_inside_a_transaction_a_read_sees_its_uncommitted_rows(db) -> None:
    class Undo(Exception):
        pass

    with pytest.raises(Undo):
        async with transaction():
            await User(name="pending", role="admin").save()
            async with reading() as read:
                assert await read.row("SELECT name FROM users WHERE name = {}", "pending") == {"name": "pending"}
            raise Undo
    async with reading() as read:
        assert await read.rows("SELECT name FROM users") == []


async def test_sqlite_keeps_a_few_connections_each_committing_its_statements(db) -> None:
    engine = current_engine()
    if not isinstance(engine, KeptSQLiteEngine):
        pytest.skip("SQLite's kept connections")
    # A stray BEGIN outside transaction() is undone when its connection is given back ...
    await engine.run_ddl("BEGIN")
    await User(name="kept", role="admin").save()
    async with reading() as read:
        assert await read.rows("SELECT name FROM users") == [{"name": "kept"}]
    # ... so what was written is committed: another connection sees it.
    with sqlite3.connect(sqlite_path(db.url)) as other:
        assert other.execute("SELECT name FROM users").fetchall() == [("kept",)]
    assert 1 <= len(engine._idle) <= KEPT_CONNECTIONS
