"""Opening the configured database for one CLI command."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from piccolo.engine.base import Engine

from vendor_ms.db.engine import DatabaseUrlError, open_database, pending_migrations
from vendor_ms.errors import AppError
from vendor_ms.settings import Settings


@asynccontextmanager
async def database(settings: Settings, *, pool_max_size: int = 4) -> AsyncIterator[Engine[Any]]:
    try:
        async with open_database(settings.database_url, pool_max_size=pool_max_size) as engine:
            pending = await pending_migrations()
            if pending:
                raise AppError(f"the database has {len(pending)} pending migration(s): run `vendor-ms migrate` first")
            yield engine
    except DatabaseUrlError as exc:
        raise AppError(str(exc)) from None
    except OSError as exc:
        raise AppError(f"cannot open the database {_redact(settings.database_url)}: {exc}") from None


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in creds else url
    return url
