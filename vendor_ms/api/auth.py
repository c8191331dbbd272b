"""Bearer-token authentication, role checks and per-token write rate limits for `/api/v1`.

Each route declares the action it performs (`opt=allow(policy.ISSUE_INVOICE)`), which puts the
policy's roles for that action in `opt["roles"]`; one guard authenticates the token, enforces
that list (403) and the write rate limit (429), and leaves the `Caller` in `request.state` for
the `caller` dependency. Scope (which shops, which vendor) is enforced by the services through
the same policy (`vendor_ms.access.policy`), which answer 404 for anything outside it.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from vendor_ms.access.caller import ROLES, Caller
from vendor_ms.access.policy import Action
from vendor_ms.access.service import authenticate
from vendor_ms.errors import PermissionDenied, RateLimited

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ALL_ROLES: tuple[str, ...] = ROLES


def allow(action: Action) -> dict[str, Any]:
    """Route option: `@post(..., opt=allow(policy.ISSUE_INVOICE))`. The guard admits the roles the
    policy gives the action; the service enforces the same action for the CLI and the pages."""
    return {"action": action.name, "roles": action.roles}


def roles(*allowed: str) -> dict[str, Any]:
    """Route option naming roles by hand: only billing's routes, until they declare actions."""
    unknown = set(allowed) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    return {"roles": tuple(allowed)}


class WriteRateLimiter:
    """A sliding one-minute window of write requests per token, kept in this process."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._hits: dict[int | str, deque[float]] = defaultdict(deque)

    def check(self, key: int | str) -> None:
        if self.per_minute <= 0:
            return
        now = time.monotonic()
        hits = self._hits[key]
        while hits and now - hits[0] >= 60:
            hits.popleft()
        if len(hits) >= self.per_minute:
            retry_after = max(1, math.ceil(60 - (now - hits[0])))
            raise RateLimited(
                f"more than {self.per_minute} write requests in a minute for this token; retry in {retry_after} s",
                retry_after=retry_after,
            )
        hits.append(now)


def _bearer(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization")
    if not header:
        return None
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


async def require_token(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    caller = await authenticate(_bearer(connection))
    allowed = handler.opt.get("roles")
    if allowed is None:  # pragma: no cover - the access-matrix test makes every route declare roles
        raise PermissionDenied("this route declares no roles")
    if caller.role not in allowed:
        raise PermissionDenied(
            f"{connection.scope.get('method', '')} {connection.url.path} is not allowed for the role {caller.role}"
        )
    if connection.scope.get("method") in WRITE_METHODS:
        limiter: WriteRateLimiter = connection.app.state.write_limiter
        limiter.check(caller.token_id or caller.name)
    connection.state.caller = caller


def provide_caller(request: Request[Any, Any, Any]) -> Caller:
    caller: Caller = request.state.caller
    return caller
