"""Sign-in with a user name and password: argon2id hashes, the lockout, the session's user.

Passwords are hashed with argon2id (argon2-cffi, its default memory-hard parameters); only the
PHC string is stored. After `MAX_FAILURES` failed attempts for one user name within `WINDOW`,
further attempts for that name are refused for `WINDOW`, counted from the attempt that filled
the count. Failures are rows in the database, so every server worker counts the same
ones; a refused attempt is not counted again, so the lock ends on time. Names that do not exist
are counted like real ones (and verified against a dummy hash), so the answers and their timing
do not tell which names exist.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from vendor_ms import clock
from vendor_ms.access import audit, policy
from vendor_ms.access.caller import Caller, Role
from vendor_ms.db.engine import transaction
from vendor_ms.db.tables import LoginFailure, User, UserShop
from vendor_ms.errors import FieldError, NotFound, Unauthenticated, ValidationFailed

MAX_FAILURES = 10
WINDOW = timedelta(minutes=15)
MIN_LENGTH = 8
MAX_LENGTH = 1024  # hashing a megabyte on every attempt would be a denial of service

_hasher = PasswordHasher()
# Verified when the name is unknown, so that an unknown name costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("vendor-ms: no such user")


class SignInRefused(Unauthenticated):
    """Wrong name or password, or the name is locked out; the message says which of the two."""

    def __init__(self, detail: str, *, locked: bool = False) -> None:
        super().__init__(detail)
        self.locked = locked


class SignedIn(NamedTuple):
    caller: Caller
    password_version: str  # what the session keeps (see `session_caller`)


def check_password(password: str) -> None:
    errors = []
    if len(password) < MIN_LENGTH:
        errors.append(FieldError("password", f"must have at least {MIN_LENGTH} characters"))
    if len(password) > MAX_LENGTH:
        errors.append(FieldError("password", f"must have at most {MAX_LENGTH} characters"))
    if errors:
        raise ValidationFailed(errors)


def hash_password(password: str) -> str:
    check_password(password)
    return _hasher.hash(password)


def password_version(password_hash: str | None) -> str:
    """A short fingerprint of the hash: a session remembers it, so a new password ends old sessions."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


async def set_password(caller: Caller, user_name: str, password: str) -> None:
    """Admin sets (or replaces) a user's password; audited, never logged."""
    policy.SET_PASSWORD.require(caller)
    password_hash = await asyncio.to_thread(hash_password, password)
    async with transaction():
        user = await User.select(User.id, User.vendor_code).where(User.name == user_name).first()
        if user is None:
            raise NotFound(f"no user named {user_name!r}")
        await User.update({User.password_hash: password_hash}).where(User.id == user["id"])
        await LoginFailure.delete().where(LoginFailure.user_name == user_name)
        await audit.record(
            caller,
            "user.set_password",
            "user",
            user_name,
            shops=await _shops(user["id"]),
            vendors=[user["vendor_code"]] if user["vendor_code"] else [],
        )


async def _shops(user_id: int) -> list[str]:
    rows = await UserShop.select(UserShop.shop_code).where(UserShop.owner == user_id)
    return sorted(r["shop_code"] for r in rows)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def locked_until(user_name: str) -> datetime | None:
    """When the lock on this name ends, or None when it is not locked.

    A lock starts at a failure that is the MAX_FAILURES-th within WINDOW, and lasts WINDOW from it."""
    now = clock.now()
    rows = (
        await LoginFailure.select(LoginFailure.at)
        .where(LoginFailure.user_name == user_name, LoginFailure.at > now - 2 * WINDOW)
        .order_by(LoginFailure.at)
    )
    times = [_aware(r["at"]) for r in rows]
    ends = [
        times[i] + WINDOW
        for i in range(MAX_FAILURES - 1, len(times))
        if times[i] - times[i - MAX_FAILURES + 1] <= WINDOW and times[i] + WINDOW > now
    ]
    return max(ends, default=None)


async def sign_in(user_name: str, password: str) -> SignedIn:
    """The user, when the name and password match and the name is not locked out; audited."""
    user_name = user_name.strip()[:100]
    until = await locked_until(user_name)
    if until is not None:
        minutes = max(1, -(-int((until - clock.now()).total_seconds()) // 60))
        raise SignInRefused(
            f"登录失败次数过多，请 {minutes} 分钟后再试。 Too many failed sign-ins: try again in {minutes} minutes.",
            locked=True,
        )
    row = await User.select(User.id, User.password_hash).where(User.name == user_name).first()
    stored = row["password_hash"] if row else None
    # argon2 takes tens of milliseconds of CPU: off the event loop, so other requests go on
    if not await asyncio.to_thread(_verify, stored or _DUMMY_HASH, password) or stored is None:
        await LoginFailure.insert(LoginFailure(user_name=user_name, at=clock.now()))
        raise SignInRefused("用户名或密码错误。 Wrong user name or password.")
    assert row is not None
    version = password_version(stored)
    async with transaction():
        # this name's failures, and everyone's too old to count for a lock any more
        await LoginFailure.delete().where(
            (LoginFailure.user_name == user_name) | (LoginFailure.at < clock.now() - 2 * WINDOW)
        )
        caller = await session_caller(row["id"], version)
        assert caller is not None
        await audit.record(
            caller,
            "user.sign_in",
            "user",
            caller.name,
            shops=caller.shop_codes,
            vendors=[caller.vendor_code] if caller.vendor_code else [],
        )
    if _hasher.check_needs_rehash(stored):
        rehashed = await asyncio.to_thread(_hasher.hash, password)
        await User.update({User.password_hash: rehashed}).where(User.id == row["id"])
        version = password_version(rehashed)
    return SignedIn(caller, version)


def _verify(password_hash: str, password: str) -> bool:
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def session_caller(user_id: int, version: str) -> Caller | None:
    """The caller a web session stands for; None when the user is gone or its password changed."""
    row = (
        await User.select(User.id, User.name, User.role, User.vendor_code, User.password_hash)
        .where(User.id == user_id)
        .first()
    )
    if row is None or row["password_hash"] is None or password_version(row["password_hash"]) != version:
        return None
    role: Role = row["role"]
    shops = frozenset(await _shops(row["id"])) if role == "shop_owner" else frozenset()
    return Caller(user_id=row["id"], name=row["name"], role=role, shop_codes=shops, vendor_code=row["vendor_code"])


async def sign_out(caller: Caller) -> None:
    await audit.record(
        caller,
        "user.sign_out",
        "user",
        caller.name,
        shops=caller.shop_codes,
        vendors=[caller.vendor_code] if caller.vendor_code else [],
    )
