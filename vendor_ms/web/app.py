"""The web app's part of the Litestar application: page routes, sessions, CSRF, templates, static files.

Sessions and CSRF apply to the pages' router only, so the API (bearer tokens, no cookies) stays
as it is. The CSRF key is the settings' `secret_key`, or one kept in the database (created on
first use; `vendor-ms serve` reads it once and hands it to every worker).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from litestar import Router
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.static_files import create_static_files_router
from litestar.stores.base import Store
from litestar.template.config import TemplateConfig

from vendor_ms.api.auth import provide_caller
from vendor_ms.settings import Settings
from vendor_ms.web.errors import PAGE_EXCEPTION_HANDLERS
from vendor_ms.web.pages import admin, auth, billing, comparison, contracts, home, incidents, invoices, upload
from vendor_ms.web.session import SESSION_STORE, require_page_access, session_config
from vendor_ms.web.store import DatabaseStore
from vendor_ms.web.templating import STATIC, template_config

CSRF_COOKIE = "vms_csrf"
_SECRETS = DatabaseStore("secrets")

PAGE_ROUTES: list[Any] = [
    *auth.ROUTES,
    *home.ROUTES,
    *contracts.ROUTES,
    *comparison.ROUTES,
    *incidents.ROUTES,
    *invoices.ROUTES,
    *billing.ROUTES,
    *upload.ROUTES,
    *admin.ROUTES,
]


@dataclass(frozen=True)
class WebParts:
    route_handlers: list[Any]
    template_config: TemplateConfig[Any]
    stores: dict[str, Store]


async def stored_secret_key() -> str:
    """The CSRF key kept in the database: the same for every worker and across restarts."""
    found = await _SECRETS.get("csrf")
    if found is not None:
        return found.decode()
    key = secrets.token_urlsafe(48)
    await _SECRETS.set("csrf", key)
    return (await _SECRETS.get("csrf") or key.encode()).decode()


def web_parts(settings: Settings) -> WebParts:
    csrf = CSRFConfig(
        secret=settings.secret_key or secrets.token_urlsafe(48),
        cookie_name=CSRF_COOKIE,
        cookie_secure=settings.secure_cookies,
        cookie_httponly=True,
        cookie_samesite="lax",
        safe_methods={"GET", "HEAD"},
    )
    pages = Router(
        path="/",
        route_handlers=PAGE_ROUTES,
        guards=[require_page_access],
        dependencies={"caller": Provide(provide_caller, sync_to_thread=False)},
        middleware=[session_config(settings).middleware, DefineMiddleware(CSRFMiddleware, config=csrf)],
        exception_handlers=PAGE_EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        include_in_schema=False,
    )
    static = create_static_files_router(path="/static", directories=[STATIC], include_in_schema=False)
    return WebParts(
        route_handlers=[pages, static],
        template_config=template_config(),
        stores={SESSION_STORE: DatabaseStore(SESSION_STORE)},
    )
