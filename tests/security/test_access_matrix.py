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
from tests.security.world import ROLES, SCOPES, World, build_world
from tests.support import bearer
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
