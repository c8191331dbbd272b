"""Fixtures of the web app tests: an HTTPS-addressed client (the session cookie is Secure) and
users with passwords."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from vendor_ms.access.caller import local_admin
from vendor_ms.access.service import create_user

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
async def web(db) -> AsyncIterator[httpx.AsyncClient]:
    from vendor_ms.api.app import create_app
    from vendor_ms.settings import load_settings

    app = create_app(load_settings(database_url=db.url), manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://vendor-ms.test") as http:
        yield http


UserFactory = Callable[..., Awaitable[str]]


@pytest.fixture
def make_user(db) -> UserFactory:
    """`await make_user("vendor", vendor="yunke")`: a user who signs in with PASSWORD; returns its name."""
    counter = 0

    async def make(role: str, *, shops: list[str] | None = None, vendor: str | None = None) -> str:
        nonlocal counter
        counter += 1
        name = f"{role}-{counter}"
        await create_user(local_admin(), name=name, role=role, shops=shops, vendor=vendor, password=PASSWORD)
        return name

    return make


def csrf_token(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def form_post(http: httpx.AsyncClient, page: str, action: str, data: dict[str, str], **kw) -> httpx.Response:
    """Open `page`, then send its form to `action` with the page's CSRF token, as a browser does."""
    opened = await http.get(page)
    return await http.post(action, data={**data, "_csrf_token": csrf_token(opened.text)}, **kw)


async def sign_in(http: httpx.AsyncClient, name: str, password: str = PASSWORD) -> httpx.Response:
    return await form_post(http, "/login", "/login", {"username": name, "password": password})
