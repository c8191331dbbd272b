"""Web sessions: who is signed in, and the guard every page goes through.

A session (Litestar's server-side sessions, in the database store) holds the user's id and a
fingerprint of its password hash; each request loads the user afresh, so a changed password, a
changed role or a deleted user takes effect at once. A page declares its action like an API route
(`opt=allow(policy.X)`: the policy's roles for it); a role that may not see a page gets the same
not-found page as a missing record, so a page's existence tells nothing either.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.session.server_side import ServerSideSessionConfig

from vendor_ms.access.caller import Caller
from vendor_ms.access.passwords import password_version, session_caller
from vendor_ms.errors import NotFound, Unauthenticated
from vendor_ms.settings import Settings

SESSION_COOKIE = "vms_session"
SESSION_STORE = "web_sessions"
SESSION_HOURS = 12


class SignInRequired(Unauthenticated):
    """No session (or an ended one): pages answer with a redirect to /login."""


def session_config(settings: Settings) -> ServerSideSessionConfig:
    return ServerSideSessionConfig(
        key=SESSION_COOKIE,
        store=SESSION_STORE,
        max_age=SESSION_HOURS * 3600,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )


def start_session(request: Request[Any, Any, Any], caller: Caller, password_hash_version: str) -> None:
    request.set_session({"uid": caller.user_id, "pwv": password_hash_version})


def end_session(request: Request[Any, Any, Any]) -> None:
    request.clear_session()


async def current_caller(connection: ASGIConnection[Any, Any, Any, Any]) -> Caller | None:
    session = connection.scope.get("session")
    if not isinstance(session, dict):
        return None
    uid, version = session.get("uid"), session.get("pwv")
    if not isinstance(uid, int) or not isinstance(version, str):
        return None
    return await session_caller(uid, version)


async def require_page_access(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    if handler.opt.get("public"):
        return
    caller = await current_caller(connection)
    if caller is None:
        raise SignInRequired("sign in first")
    allowed = handler.opt.get("roles")
    if not allowed or caller.role not in allowed:
        # the same page as a missing record: which pages exist for other roles is not said
        raise NotFound("page not found")
    connection.state.caller = caller


__all__ = [
    "SESSION_COOKIE",
    "SignInRequired",
    "current_caller",
    "end_session",
    "password_version",
    "require_page_access",
    "session_config",
    "start_session",
]
