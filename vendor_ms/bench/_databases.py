"""Databases of a benchmark's own: a PostgreSQL schema, or a SQLite file beside the one named.

A bench never writes into the tables it was pointed at: on PostgreSQL it works in a schema of
its own (asyncpg passes the `search_path` URL parameter on as a server setting), which it drops
when done, since Piccolo looks for its migration table in any schema and a stray bench schema
would confuse a later migration of the real one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def bench_url(url: str, name: str) -> str:
    """`url` redirected to the bench's own schema (PostgreSQL) or file (SQLite) called `name`."""
    if not is_postgres_url(url):
        path = Path(url.removeprefix("sqlite:///"))
        return f"sqlite:///{path.with_name(f'{path.stem}-{name}{path.suffix}')}"
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["search_path"] = f"vms_bench_{name}"
    return urlunsplit(parts._replace(query=urlencode(query)))


def _schema(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query="")), dict(parse_qsl(parts.query))["search_path"]


async def _run(url: str, *statements: str) -> None:
    import asyncpg

    plain, _ = _schema(url)
    try:
        connection = await asyncpg.connect(plain)
    except asyncpg.InvalidCatalogNameError:
        # A fresh server has no bench database yet: make it, from the maintenance database.
        await _create_database(plain)
        connection = await asyncpg.connect(plain)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def _create_database(url: str) -> None:
    import asyncpg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        await maintenance.execute(f'CREATE DATABASE "{name.replace(chr(34), "")}"')
    except asyncpg.DuplicateDatabaseError:
        pass  # another bench made it meanwhile
    finally:
        await maintenance.close()


async def fresh(url: str) -> None:
    """Empty, migrated tables at a bench URL (from `bench_url`)."""
    from piccolo.apps.migrations.tables import Migration

    from vendor_ms.db.engine import migrate, open_database, sqlite_path

    if is_postgres_url(url):
        _, schema = _schema(url)
        await _run(url, f"DROP SCHEMA IF EXISTS {schema} CASCADE", f"CREATE SCHEMA {schema}")
    else:
        for stale in sqlite_path(url).parent.glob(sqlite_path(url).name + "*"):
            stale.unlink()
    async with open_database(url, auto_migrate=False, pool_max_size=2):
        # Piccolo would find the real schema's migration table and skip making one here.
        await Migration.create_table(if_not_exists=True)
        await migrate()


async def drop(url: str) -> None:
    if is_postgres_url(url):
        _, schema = _schema(url)
        await _run(url, f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@asynccontextmanager
async def bench_database(url: str, name: str) -> AsyncIterator[str]:
    """A fresh bench database for the duration of the block; dropped afterwards (PostgreSQL)."""
    target = bench_url(url, name)
    await fresh(target)
    try:
        yield target
    finally:
        await drop(target)
