"""What authentication reads and writes: a token with its holder, and the holders read recently.

A request's token is looked up by its hash in one statement (a shop owner's shops in a second)
and the answer kept for RECHECK_AFTER, so a client that makes many requests costs one lookup
every few seconds instead of one per request. What is kept is the row as read; the service
applies the token rules to it on every request.

When a revocation takes effect: at once in the process that revokes (`revoke_token` forgets
every kept holder), and in any other running server (`vendor-ms serve` while the CLI revokes)
at the latest RECHECK_AFTER (5 seconds) after the revocation commits. Expiry is exact: the
service compares `expires_at` with the clock on every request, kept or not.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from vendor_ms.access.caller import Role
from vendor_ms.db.statements import reading
from vendor_ms.db.tables import ApiToken

RECHECK_AFTER = timedelta(seconds=5)
# Beyond this many distinct tokens the oldest are forgotten (and read again when next used).
KEPT_AT_MOST = 10_000


@dataclass(frozen=True, slots=True)
class TokenHolder:
    """A token's row and its user's, as stored."""

    token_id: int
    token_hash: str
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    user_id: int
    name: str
    role: Role
    vendor_code: str | None
    shop_codes: frozenset[str]


_HOLDER = """
SELECT t.id, t.token_hash, t.expires_at, t.revoked_at, t.last_used_at,
       u.id AS user_id, u.name, u.role, u.vendor_code
FROM api_tokens t JOIN users u ON u.id = t.owner
WHERE t.token_hash = {}
"""
_SHOPS = "SELECT shop_code FROM user_shops WHERE owner = {}"


async def token_holder(digest: str) -> TokenHolder | None:
    """The token whose secret hashes to `digest`, with its user (and a shop owner's shops)."""
    async with reading() as read:
        row = await read.row(_HOLDER, digest)
        if row is None:
            return None
        shops = await read.rows(_SHOPS, row["user_id"]) if row["role"] == "shop_owner" else []
    return TokenHolder(
        token_id=row["id"],
        token_hash=row["token_hash"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
        user_id=row["user_id"],
        name=row["name"],
        role=row["role"],
        vendor_code=row["vendor_code"],
        shop_codes=frozenset(r["shop_code"] for r in shops),
    )


async def record_use(token_id: int, now: datetime) -> None:
    await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == token_id).run()


class RecentHolders:
    """Token holders by digest, each with the time it was read; fresh for `recheck_after`."""

    def __init__(self, recheck_after: timedelta = RECHECK_AFTER, at_most: int = KEPT_AT_MOST) -> None:
        self.recheck_after = recheck_after
        self.at_most = at_most
        self._kept: dict[str, tuple[TokenHolder, datetime]] = {}

    def get(self, digest: str, now: datetime) -> TokenHolder | None:
        """The holder read less than `recheck_after` ago (a clock set back makes it stale too)."""
        kept = self._kept.get(digest)
        if kept is None:
            return None
        holder, read_at = kept
        if not timedelta(0) <= now - read_at < self.recheck_after:
            del self._kept[digest]
            return None
        return holder

    def keep(self, digest: str, holder: TokenHolder, read_at: datetime) -> None:
        self._kept.pop(digest, None)
        while len(self._kept) >= self.at_most:
            del self._kept[next(iter(self._kept))]
        self._kept[digest] = (holder, read_at)

    def note_use(self, digest: str, used_at: datetime) -> None:
        """The kept holder's `last_used_at` was just written; it stays as fresh as it was."""
        kept = self._kept.get(digest)
        if kept is not None:
            self._kept[digest] = (dataclasses.replace(kept[0], last_used_at=used_at), kept[1])

    def forget_all(self) -> None:
        self._kept.clear()


# The holders this process has read. One per process: a revocation made here must reach every
# request served here at once.
RECENT = RecentHolders()
