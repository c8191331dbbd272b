"""A Litestar `Store` on the database (table `web_store`): web sessions and pending uploads live
where every server worker sees them, on SQLite and PostgreSQL alike.

Expired entries read as missing and are deleted when next touched; `delete_expired` sweeps the
rest (called now and then by the session layer).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar.stores.base import Store

from vendor_ms import clock
from vendor_ms.db.engine import transaction
from vendor_ms.db.tables import WebStoreEntry


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _expiry(expires_in: int | timedelta | None) -> datetime | None:
    if expires_in is None:
        return None
    seconds = expires_in if isinstance(expires_in, timedelta) else timedelta(seconds=expires_in)
    return clock.now() + seconds


class DatabaseStore(Store):
    """Keys are stored as `<namespace>:<key>`, so one table serves several stores."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}"[:200]

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        full = self._key(key)
        async with transaction():
            updated = (
                await WebStoreEntry.update({WebStoreEntry.value: data, WebStoreEntry.expires_at: _expiry(expires_in)})
                .where(WebStoreEntry.key == full)
                .returning(WebStoreEntry.id)
            )
            if not updated:
                await WebStoreEntry.insert(WebStoreEntry(key=full, value=data, expires_at=_expiry(expires_in)))

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        full = self._key(key)
        row = (
            await WebStoreEntry.select(WebStoreEntry.value, WebStoreEntry.expires_at)
            .where(WebStoreEntry.key == full)
            .first()
        )
        if row is None:
            return None
        if row["expires_at"] is not None and _aware(row["expires_at"]) <= clock.now():
            await WebStoreEntry.delete().where(WebStoreEntry.key == full)
            return None
        if renew_for is not None and row["expires_at"] is not None:
            await WebStoreEntry.update({WebStoreEntry.expires_at: _expiry(renew_for)}).where(WebStoreEntry.key == full)
        return bytes(row["value"])

    async def delete(self, key: str) -> None:
        await WebStoreEntry.delete().where(WebStoreEntry.key == self._key(key))

    async def delete_all(self) -> None:
        await WebStoreEntry.delete().where(WebStoreEntry.key.like(f"{self.namespace}:%"))

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = await WebStoreEntry.select(WebStoreEntry.expires_at).where(WebStoreEntry.key == self._key(key)).first()
        if row is None or row["expires_at"] is None:
            return None
        return int((_aware(row["expires_at"]) - clock.now()).total_seconds())

    async def delete_expired(self) -> None:
        await WebStoreEntry.delete().where(
            WebStoreEntry.key.like(f"{self.namespace}:%"), WebStoreEntry.expires_at < clock.now()
        )


async def sweep_expired() -> None:
    """Forget every expired entry (ended sessions, uploads never confirmed); run at each sign-in."""
    await WebStoreEntry.delete().where(WebStoreEntry.expires_at < clock.now())
