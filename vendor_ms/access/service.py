"""Users and bearer tokens: creation, authentication, revocation.

Secrets are 256 random bits, shown once; only their SHA-256 is stored. Authentication looks a
token up by that hash and compares it again in constant time.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from vendor_ms import clock
from vendor_ms.access import audit, policy, store
from vendor_ms.access.caller import ROLES, Caller
from vendor_ms.db.engine import transaction
from vendor_ms.db.tables import ApiToken, User, UserShop
from vendor_ms.domain.contract import CODE_PATTERN
from vendor_ms.errors import Conflict, FieldError, NotFound, Unauthenticated, ValidationFailed

TOKEN_PREFIX = "vms_"  # noqa: S105 - a label, not a secret
# last_used_at is refreshed at most this often, so reads do not turn into writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)  # 32 bytes = 256 bits


@dataclass(frozen=True, slots=True)
class IssuedToken:
    secret: str
    token_id: int
    prefix: str
    user_name: str


def _check_user_scope(role: str, shops: list[str], vendor: str | None) -> list[FieldError]:
    errors = []
    if role not in ROLES:
        errors.append(FieldError("role", f"must be one of {', '.join(ROLES)}"))
    if role == "shop_owner" and not shops:
        errors.append(FieldError("shops", "a shop owner needs at least one shop (--shop CODE)"))
    if role != "shop_owner" and shops:
        errors.append(FieldError("shops", f"only shop owners act for shops, not {role}"))
    if role == "vendor" and not vendor:
        errors.append(FieldError("vendor", "a vendor user needs its vendor (--vendor CODE)"))
    if role != "vendor" and vendor:
        errors.append(FieldError("vendor", f"only vendor users act for a vendor, not {role}"))
    for code in [*shops, *([vendor] if vendor else [])]:
        if not re.match(CODE_PATTERN, code):
            errors.append(FieldError("shops" if code in shops else "vendor", f"{code!r} is not a valid code"))
    return errors


async def create_user(
    caller: Caller,
    *,
    name: str,
    role: str,
    shops: list[str] | None = None,
    vendor: str | None = None,
    expires_at: datetime | None = None,
    label: str = "",
    password: str | None = None,
) -> IssuedToken:
    """Create a user and its first token; returns the secret, which is never retrievable again.

    With a password the user can also sign in to the web app (`access.passwords`)."""
    from vendor_ms.access.passwords import hash_password

    policy.CREATE_USER.require(caller)
    shops = sorted(set(shops or []))
    errors = _check_user_scope(role, shops, vendor)
    if not name.strip():
        errors.append(FieldError("name", "must not be empty"))
    if errors:
        raise ValidationFailed(errors)
    password_hash = await asyncio.to_thread(hash_password, password) if password is not None else None
    async with transaction():
        if await User.exists().where(User.name == name).run():
            raise Conflict(f"a user named {name!r} already exists")
        user = User(name=name, role=role, vendor_code=vendor, password_hash=password_hash)
        await user.save().run()
        if shops:
            await UserShop.insert(*(UserShop(owner=user.id, shop_code=code) for code in shops)).run()
        await audit.record(
            caller,
            "user.create",
            "user",
            name,
            shops=shops,
            vendors=[vendor] if vendor else [],
            detail={"role": role, "password": password_hash is not None},
        )
        return await _issue_token(caller, user, expires_at=expires_at, label=label)


async def create_token(
    caller: Caller, *, user_name: str, expires_at: datetime | None = None, label: str = ""
) -> IssuedToken:
    policy.CREATE_TOKEN.require(caller)
    async with transaction():
        user = await User.objects().where(User.name == user_name).first().run()
        if user is None:
            raise NotFound(f"no user named {user_name!r}")
        return await _issue_token(caller, user, expires_at=expires_at, label=label)


async def _issue_token(caller: Caller, user: User, *, expires_at: datetime | None, label: str) -> IssuedToken:
    secret = new_secret()
    token = ApiToken(
        owner=user.id,
        token_hash=hash_secret(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 8],
        label=label,
        expires_at=expires_at,
    )
    await token.save().run()
    await audit.record(
        caller,
        "token.create",
        "token",
        token.prefix,
        vendors=[user.vendor_code] if user.vendor_code else [],
        detail={"user": user.name, "expires_at": expires_at.isoformat() if expires_at else None},
    )
    return IssuedToken(secret=secret, token_id=token.id, prefix=token.prefix, user_name=user.name)


async def revoke_token(caller: Caller, prefix: str) -> int:
    """Revoke every live token whose secret starts with `prefix` (at least 12 characters)."""
    policy.REVOKE_TOKEN.require(caller)
    if len(prefix) < len(TOKEN_PREFIX) + 8:
        raise ValidationFailed([FieldError("prefix", "give at least the first 12 characters of the token")])
    short = len(TOKEN_PREFIX) + 8
    # A whole secret names exactly one token; a prefix may name several (all are revoked).
    match = ApiToken.token_hash == hash_secret(prefix) if len(prefix) > short else ApiToken.prefix == prefix
    async with transaction():
        rows = await ApiToken.select(ApiToken.id, ApiToken.prefix, ApiToken.owner.name).where(
            match, ApiToken.revoked_at.is_null()
        )
        if not rows:
            raise NotFound(f"no live token starts with {prefix[:12]!r}")
        now = clock.now()
        for row in rows:
            await ApiToken.update({ApiToken.revoked_at: now}).where(ApiToken.id == row["id"]).run()
            await audit.record(caller, "token.revoke", "token", row["prefix"], detail={"user": row["owner.name"]})
    # Committed: no request served by this process may use a kept copy of a revoked token.
    store.RECENT.forget_all()
    return len(rows)


async def authenticate(secret: str | None) -> Caller:
    """The caller a bearer secret stands for; Unauthenticated for an unknown, revoked or expired
    token. The token is read at most every `store.RECHECK_AFTER` (see `store` for when a
    revocation takes effect); the rules below apply to every request."""
    if not secret:
        raise Unauthenticated("send a bearer token: Authorization: Bearer <token>")
    digest = hash_secret(secret)
    now = clock.now()
    holder = store.RECENT.get(digest, now)
    if holder is None:
        holder = await store.token_holder(digest)
        # The lookup is by hash; compare again in constant time so timing tells nothing either way.
        if holder is None or not hmac.compare_digest(holder.token_hash, digest):
            raise Unauthenticated("unknown token")
        store.RECENT.keep(digest, holder, now)
    if holder.revoked_at is not None:
        raise Unauthenticated("this token has been revoked")
    if holder.expires_at is not None and _aware(holder.expires_at) <= now:
        raise Unauthenticated("this token has expired")
    if holder.last_used_at is None or now - _aware(holder.last_used_at) > LAST_USED_RESOLUTION:
        await store.record_use(holder.token_id, now)
        store.RECENT.note_use(digest, now)
    return Caller(
        user_id=holder.user_id,
        name=holder.name,
        role=holder.role,
        shop_codes=holder.shop_codes if holder.role == "shop_owner" else frozenset(),
        vendor_code=holder.vendor_code,
        token_id=holder.token_id,
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def list_tokens() -> list[dict[str, object]]:
    return await ApiToken.select(
        ApiToken.prefix,
        ApiToken.label,
        ApiToken.owner.name.as_alias("user"),
        ApiToken.owner.role.as_alias("role"),
        ApiToken.created_at,
        ApiToken.expires_at,
        ApiToken.revoked_at,
        ApiToken.last_used_at,
    ).order_by(ApiToken.id)


async def list_users(caller: Caller) -> list[dict[str, object]]:
    """Every user with its role, scope, whether it can sign in, and its live tokens (admin only)."""
    policy.READ_USERS.require(caller)
    users = await User.select(
        User.id, User.name, User.role, User.vendor_code, User.created_at, User.password_hash
    ).order_by(User.name)
    shops: dict[int, list[str]] = {}
    for row in await UserShop.select(UserShop.owner, UserShop.shop_code).order_by(UserShop.shop_code):
        shops.setdefault(row["owner"], []).append(row["shop_code"])
    live: dict[int, int] = {}
    for row in await ApiToken.select(ApiToken.owner).where(ApiToken.revoked_at.is_null()):
        live[row["owner"]] = live.get(row["owner"], 0) + 1
    return [
        {
            "name": u["name"],
            "role": u["role"],
            "vendor": u["vendor_code"],
            "shops": shops.get(u["id"], []),
            "can_sign_in": u["password_hash"] is not None,
            "tokens": live.get(u["id"], 0),
            "created_at": u["created_at"],
        }
        for u in users
    ]
