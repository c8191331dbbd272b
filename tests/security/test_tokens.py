"""Bearer tokens (issue item 2): 256-bit secrets stored as hashes, expiry, revocation through the
CLI, last-used time, and what the CLI prints."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from datetime import UTC, timedelta

import pytest

from tests.support import bearer
from vendor_ms import clock
from vendor_ms.access.service import LAST_USED_RESOLUTION, TOKEN_PREFIX, new_secret
from vendor_ms.access.store import RECHECK_AFTER, RecentHolders, TokenHolder
from vendor_ms.cli import main
from vendor_ms.db.engine import bind, current_engine
from vendor_ms.db.tables import ApiToken, User

SECRET = re.compile(r"^vms_[A-Za-z0-9_-]{43}$")


async def run_cli(*argv: str) -> int:
    """`vendor-ms ARGV` in a thread (it runs its own event loop), then rebind this test's engine."""
    engine = current_engine()
    try:
        return await asyncio.to_thread(main, list(argv))
    finally:
        bind(engine)


def test_secrets_are_256_random_bits() -> None:
    secrets = [new_secret() for _ in range(2000)]
    assert all(SECRET.match(s) for s in secrets)
    raw = [base64.urlsafe_b64decode(s[len(TOKEN_PREFIX) :] + "=") for s in secrets]
    assert {len(r) for r in raw} == {32}
    assert len(set(raw)) == len(raw)
    # 64,000 random bytes: every byte value turns up, and about half of all bits are set.
    assert len({b for r in raw for b in r}) == 256
    ones = sum(bin(b).count("1") for r in raw for b in r)
    assert 0.49 < ones / (len(raw) * 256) < 0.51


async def test_only_the_hash_is_stored(client, make_token) -> None:
    secret = await make_token("admin")
    (row,) = await ApiToken.select()
    assert row["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert row["prefix"] == secret[:12]
    assert all(secret not in str(value) for value in row.values())
    assert (await client.get("/api/v1/contracts", headers=bearer(secret))).status_code == 200


async def test_unknown_expired_and_malformed_tokens_are_401(client, make_token) -> None:
    past = await make_token("admin", expires_at=clock.now() - timedelta(seconds=1))
    future = await make_token("admin", expires_at=clock.now() + timedelta(days=1))
    expired = await client.get("/api/v1/contracts", headers=bearer(past))
    assert expired.status_code == 401
    assert expired.json()["detail"] == "this token has expired"
    assert (await client.get("/api/v1/contracts", headers=bearer(future))).status_code == 200
    unknown = await client.get("/api/v1/contracts", headers=bearer(new_secret()))
    assert (unknown.status_code, unknown.json()["detail"]) == (401, "unknown token")
    for header in (f"Basic {future}", f"Bearer{future}", "Bearer ", future):
        response = await client.get("/api/v1/contracts", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.json()["detail"] == "send a bearer token: Authorization: Bearer <token>"
    assert (await client.get("/api/v1/contracts", headers={"Authorization": f"bearer  {future} "})).status_code == 200


async def test_last_used_is_recorded_at_most_once_a_minute(client, make_token, fixed_clock) -> None:
    secret = await make_token("vendor", vendor="yunke")

    async def last_used() -> object:
        found = (await ApiToken.select(ApiToken.last_used_at).first())["last_used_at"]
        return found if found is None or found.tzinfo else found.replace(tzinfo=UTC)

    assert await last_used() is None
    first = clock.now()
    assert (await client.get("/api/v1/contracts", headers=bearer(secret))).status_code == 200
    assert await last_used() == first
    fixed_clock.advance(LAST_USED_RESOLUTION)
    assert (await client.get("/api/v1/shops", headers=bearer(secret))).status_code == 200
    assert await last_used() == first  # a read stays a read
    # A minute later it moves on.
    fixed_clock.advance(timedelta(seconds=1))
    assert (await client.get("/api/v1/shops", headers=bearer(secret))).status_code == 200
    assert await last_used() == clock.now()


async def test_a_revocation_elsewhere_takes_effect_within_the_recheck_time(client, make_token, fixed_clock) -> None:
    # Another process (the CLI next to a running server) revokes: this process learns of it when
    # it next reads the token, at the latest RECHECK_AFTER after it last read it.
    secret = await make_token("admin")
    assert (await client.get("/api/v1/contracts", headers=bearer(secret))).status_code == 200
    await ApiToken.update({ApiToken.revoked_at: clock.now()}).where(ApiToken.id > 0)
    fixed_clock.advance(RECHECK_AFTER - timedelta(microseconds=1))
    assert (await client.get("/api/v1/contracts", headers=bearer(secret))).status_code == 200
    fixed_clock.advance(timedelta(microseconds=1))
    revoked = await client.get("/api/v1/contracts", headers=bearer(secret))
    assert (revoked.status_code, revoked.json()["detail"]) == (401, "this token has been revoked")


async def test_a_revocation_in_this_process_and_an_expiry_take_effect_at_once(client, make_token, fixed_clock) -> None:
    from vendor_ms.access.caller import local_admin
    from vendor_ms.access.service import revoke_token

    revoked, expiring = (
        await make_token("admin"),
        await make_token("admin", expires_at=clock.now() + timedelta(seconds=1)),
    )
    for secret in (revoked, expiring):
        assert (await client.get("/api/v1/contracts", headers=bearer(secret))).status_code == 200
    await revoke_token(local_admin(), revoked)
    answer = await client.get("/api/v1/contracts", headers=bearer(revoked))
    assert (answer.status_code, answer.json()["detail"]) == (401, "this token has been revoked")
    fixed_clock.advance(timedelta(seconds=1))  # well within RECHECK_AFTER
    answer = await client.get("/api/v1/contracts", headers=bearer(expiring))
    assert (answer.status_code, answer.json()["detail"]) == (401, "this token has expired")


def test_recent_holders_are_bounded_and_go_stale_when_the_clock_goes_back() -> None:
    holder = TokenHolder(1, "h", None, None, None, 1, "u", "admin", None, frozenset())
    recent = RecentHolders(at_most=2)
    now = clock.now()
    for digest in ("a", "b", "c"):
        recent.keep(digest, holder, now)
    assert [recent.get(d, now) for d in ("a", "b", "c")] == [None, holder, holder]
    assert recent.get("b", now - timedelta(seconds=1)) is None
    assert recent.get("c", now + RECHECK_AFTER) is None


async def test_cli_creates_prints_only_the_token_and_revokes(client, db, capsys) -> None:
    url = ["--database-url", db.url]
    assert await run_cli(*url, "users", "create", "--role", "shop_owner", "--shop", "pdd-mengmeng") == 0
    out = capsys.readouterr().out
    assert SECRET.match(out.rstrip("\n")) and out.count("\n") == 1
    secret = out.strip()
    assert (await User.select(User.name).first())["name"] == "shop_owner-pdd-mengmeng"
    assert (await client.get("/api/v1/contracts", headers=bearer(secret))).status_code == 200

    assert await run_cli(*url, "tokens", "create", "shop_owner-pdd-mengmeng", "--expires-in-days", "30") == 0
    second = capsys.readouterr().out.strip()
    assert SECRET.match(second) and second != secret
    assert await run_cli(*url, "tokens", "list") == 0
    listing = capsys.readouterr().out
    assert secret[:12] in listing and second[:12] in listing
    assert secret not in listing and second not in listing

    assert await run_cli(*url, "tokens", "revoke", secret[:12]) == 0
    assert capsys.readouterr().err == "revoked 1 token(s)\n"
    revoked = await client.get("/api/v1/contracts", headers=bearer(secret))
    assert (revoked.status_code, revoked.json()["detail"]) == (401, "this token has been revoked")
    # The user's other token still works; revoking again finds nothing live.
    assert (await client.get("/api/v1/contracts", headers=bearer(second))).status_code == 200
    assert await run_cli(*url, "tokens", "revoke", secret[:12]) == 2
    assert capsys.readouterr().err == f"error: no live token starts with {secret[:12]!r}\n"
    assert await run_cli(*url, "tokens", "revoke", "vms_short") == 2
    assert "give at least the first 12 characters" in capsys.readouterr().err


@pytest.mark.parametrize("role", ["shop_owner", "vendor", "finance"])
async def test_only_admins_manage_users_and_tokens(db, make_token, role: str) -> None:
    from vendor_ms.access.service import authenticate, create_token, create_user, revoke_token
    from vendor_ms.errors import PermissionDenied

    secret = await make_token(
        role, shops=["pdd-mengmeng"] if role == "shop_owner" else None, vendor="yunke" if role == "vendor" else None
    )
    caller = await authenticate(secret)
    with pytest.raises(PermissionDenied):
        await create_user(caller, name="x", role="admin")
    with pytest.raises(PermissionDenied):
        await create_token(caller, user_name=caller.name)
    with pytest.raises(PermissionDenied):
        await revoke_token(caller, secret)
