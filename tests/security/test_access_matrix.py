"""The access matrix, generated from the app's own route table (SPEC 7; issue item 1).

Every HTTP route under /api/v1, every method, is checked for each role (admin, shop owner,
vendor, finance) on a resource in and out of the caller's scope against the one declarative
table in `access_matrix.py`, and answers 401 without a token and with a revoked one. A route
without an entry fails, and so does an entry for a route that no longer exists.

One world is built per test (on each engine) and every check runs in the same test function;
mismatches are collected and reported together.
"""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from tests.security.access_matrix import MATRIX, Call
from tests.security.page_matrix import PAGE_MATRIX, PAGE_PASSWORD, USER_NAMES, PageCall
from tests.security.world import ROLES, SCOPES, World, build_world
from tests.support import bearer
from tests.web.conftest import csrf_token
from vendor_ms.access.caller import local_admin
from vendor_ms.access.passwords import set_password
from vendor_ms.api.app import create_app
from vendor_ms.settings import load_settings

Route = tuple[str, str]


def api_routes(app: Litestar) -> set[Route]:
    """(method, path template) of every route handler under /api/v1.

    Litestar adds an OPTIONS handler to every path by itself (CORS preflight, not configured
    here); it is not one of ours and carries no roles, so it is left out.
    """
    found = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/v1/"):
            continue
        for handler in route.route_handlers:
            if handler.handler_name == "options_handler" and handler.http_methods == {"OPTIONS"}:
                continue
            found.update((method, route.path) for method in handler.http_methods)
    return found


@pytest.fixture
def app() -> Litestar:
    return create_app(load_settings(database_url="sqlite:///unused.sqlite3"), manage_database=False)


def test_every_route_has_exactly_one_entry(app: Litestar) -> None:
    routes = api_routes(app)
    assert len(routes) >= len(MATRIX) > 20  # the enumeration finds the routes at all
    missing = sorted(routes - MATRIX.keys())
    stale = sorted(MATRIX.keys() - routes)
    assert missing == [], f"routes without an entry in tests/security/access_matrix.py: {missing}"
    assert stale == [], f"entries for routes that no longer exist: {stale}"


def test_every_route_declares_its_roles(app: Litestar) -> None:
    # The guard refuses (403) a route that declares no roles; none may rely on that.
    undeclared = [
        (sorted(handler.http_methods), route.path)
        for route in app.routes
        if isinstance(route, HTTPRoute) and route.path.startswith("/api/v1/")
        for handler in route.route_handlers
        if handler.handler_name != "options_handler" and not handler.opt.get("roles")
    ]
    assert undeclared == []


async def _send(http: httpx.AsyncClient, method: str, call: Call, token: str | None) -> httpx.Response:
    headers = {**call.headers, **(bearer(token) if token else {})}
    return await http.request(
        method, call.path, params=call.params, json=call.json, content=call.content, headers=headers
    )


async def test_access_matrix(db, fast_pdfs) -> None:
    world = await build_world()
    app = create_app(load_settings(database_url=db.url), manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://vendor-ms.test") as http:
        mismatches, checks = await _check_all(http, api_routes(app), world)
    assert mismatches == [], f"{len(mismatches)} of {checks} checks differ:\n" + "\n".join(mismatches)
    assert checks == len(MATRIX) * (len(ROLES) * len(SCOPES) + 2)


async def _check_all(http: httpx.AsyncClient, routes: set[Route], world: World) -> tuple[list[str], int]:
    mismatches: list[str] = []
    checks = 0
    for method, path in sorted(routes):
        entry = MATRIX[(method, path)]
        cases = [(role, scope, entry.expect[role][n]) for role in ROLES for n, scope in enumerate(SCOPES)]
        cases += [("no token", "in", 401), ("revoked", "in", 401)]
        for role, scope, expected in cases:
            call = entry.call(world, scope, expected)
            token = None if role == "no token" else world.tokens[role]
            response = await _send(http, method, call, token)
            checks += 1
            if response.status_code != expected:
                mismatches.append(
                    f"{method} {path} as {role}, {scope} of scope ({call.path}): expected {expected}, "
                    f"got {response.status_code} {response.text[:160]}"
                )
            elif expected >= 400 and not response.headers["content-type"].startswith("application/problem+json"):
                mismatches.append(f"{method} {path} as {role}: {expected} is not a problem document")
    return mismatches, checks


# ---------------------------------------------------------------------------------------------
# pages (the web app): signed in with a password, forms with the CSRF token of an opened page


def page_routes(app: Litestar) -> set[Route]:
    """(method, path template) of every route outside the API, /health and the OpenAPI docs."""
    found = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(("/api/", "/schema", "/health")):
            continue
        for handler in route.route_handlers:
            if handler.http_methods in ({"OPTIONS"}, {"HEAD"}):
                continue
            found.update((method, route.path) for method in handler.http_methods if method != "HEAD")
    return found


def test_every_page_route_has_exactly_one_entry(app: Litestar) -> None:
    routes = page_routes(app)
    assert len(routes) >= len(PAGE_MATRIX) > 20
    assert sorted(routes - PAGE_MATRIX.keys()) == [], "page routes without an entry in tests/security/page_matrix.py"
    assert sorted(PAGE_MATRIX.keys() - routes) == [], "page matrix entries for routes that no longer exist"


async def _page_send(http: httpx.AsyncClient, method: str, call: PageCall) -> httpx.Response:
    if method == "GET":
        return await http.get(call.path, params=call.params)
    opened = await http.get("/login")  # signed in, it sends the user on to the dashboard
    token = csrf_token((await http.get("/") if opened.status_code == 303 else opened).text)
    if call.files is not None:
        return await http.post(call.path, data={"_csrf_token": token}, files=call.files)
    return await http.post(call.path, data={**(call.form or {}), "_csrf_token": token})


async def _signed_in(http: httpx.AsyncClient, role: str) -> None:
    http.cookies.clear()
    answer = await _page_send(
        http, "POST", PageCall("/login", form={"username": USER_NAMES[role], "password": PAGE_PASSWORD})
    )
    assert answer.status_code == 303, f"{role} cannot sign in: {answer.status_code}"


async def test_page_access_matrix(db, fast_pdfs) -> None:
    world = await build_world()
    for name in USER_NAMES.values():
        await set_password(local_admin(), name, PAGE_PASSWORD)
    app = create_app(load_settings(database_url=db.url), manage_database=False)
    mismatches: list[str] = []
    checks = 0
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://vendor-ms.test") as http:
        for role in (*ROLES, "no session"):
            if role != "no session":
                await _signed_in(http, role)
            for method, path in sorted(page_routes(app)):
                entry = PAGE_MATRIX[(method, path)]
                if role == "no session":
                    cases = [("in", 200 if entry.public and method == "GET" else 303)]
                else:
                    cases = list(zip(SCOPES, entry.expect[role], strict=True))
                for scope, expected in cases:
                    if role == "no session":
                        http.cookies.clear()
                    call = entry.call(world, scope, expected, role)
                    answer = await _page_send(http, method, call)
                    checks += 1
                    if answer.status_code != expected:
                        mismatches.append(
                            f"{method} {path} as {role}, {scope} of scope ({call.path}): expected {expected}, "
                            f"got {answer.status_code} {answer.text[:200]}"
                        )
                    elif expected == 404 and "找不到页面" not in answer.text:
                        mismatches.append(f"{method} {path} as {role}: 404 is not the not-found page")
                    elif (
                        expected == 303
                        and role == "no session"
                        and not entry.public
                        and not answer.headers["location"].startswith("/login?next=")
                    ):
                        mismatches.append(f"{method} {path} without a session: not sent to /login")
                    if method == "POST" and path == "/logout" and role != "no session":
                        await _signed_in(http, role)
    assert mismatches == [], f"{len(mismatches)} of {checks} checks differ:\n" + "\n".join(mismatches)
    assert checks == len(PAGE_MATRIX) * (len(ROLES) * len(SCOPES) + 1)
