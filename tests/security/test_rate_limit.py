"""Write requests are rate limited per token (issue item 6): 429 with `Retry-After`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support import bearer, import_examples
from vendor_ms.api import auth
from vendor_ms.api.app import create_app
from vendor_ms.api.auth import WriteRateLimiter
from vendor_ms.db.tables import Incident
from vendor_ms.errors import RateLimited
from vendor_ms.settings import load_settings

INCIDENT = {"contract": "PDD-MM-PRE-2026", "date": "2026-10-05", "kind": "praise", "points": 1}


@pytest.fixture
async def limited(db) -> AsyncIterator[httpx.AsyncClient]:
    """A client on an app that allows 3 writes per token and minute."""
    app = create_app(load_settings(database_url=db.url, write_rate_limit_per_minute=3), manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://vendor-ms.test") as http:
        yield http


async def test_the_fourth_write_in_a_minute_is_429(limited, make_token) -> None:
    await import_examples("pdd-mengmeng-presale")
    owner = await make_token("shop_owner", shops=["pdd-mengmeng"])
    other = await make_token("shop_owner", shops=["pdd-mengmeng"])
    for _ in range(3):
        assert (await limited.post("/api/v1/incidents", json=INCIDENT, headers=bearer(owner))).status_code == 201
    refused = await limited.post("/api/v1/incidents", json=INCIDENT, headers=bearer(owner))
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    problem = refused.json()
    assert (problem["title"], problem["status"]) == ("请求过于频繁", 429)  # Too many requests
    assert problem["detail"].startswith("more than 3 write requests in a minute for this token; retry in ")
    assert await Incident.count() == 3  # the refused write wrote nothing

    # Another token has a budget of its own; reads are never limited.
    assert (await limited.post("/api/v1/incidents", json=INCIDENT, headers=bearer(other))).status_code == 201
    for _ in range(5):
        assert (await limited.get("/api/v1/incidents", headers=bearer(owner))).status_code == 200
    # A refused or invalid write counts as well: the limit is on requests, not on successes.
    assert (await limited.post("/api/v1/incidents", json={}, headers=bearer(other))).status_code == 422
    assert (await limited.post("/api/v1/incidents", json=INCIDENT, headers=bearer(other))).status_code == 201
    assert (await limited.post("/api/v1/incidents", json=INCIDENT, headers=bearer(other))).status_code == 429


async def test_unauthenticated_and_forbidden_writes_do_not_spend_a_budget(limited, make_token) -> None:
    # The guard checks the token and the role before counting, so 401 and 403 cost nothing.
    vendor = await make_token("vendor", vendor="yunke")
    for _ in range(5):
        assert (await limited.post("/api/v1/incidents", json=INCIDENT)).status_code == 401
        assert (await limited.post("/api/v1/incidents", json=INCIDENT, headers=bearer(vendor))).status_code == 403


def test_the_window_slides(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(auth.time, "monotonic", lambda: now[0])
    limiter = WriteRateLimiter(2)
    limiter.check(7)
    now[0] += 20.5
    limiter.check(7)
    now[0] += 10
    with pytest.raises(RateLimited) as refused:
        limiter.check(7)
    assert refused.value.retry_after == 30  # the first write leaves the window 29.5 s from now
    limiter.check(8)  # another token
    now[0] += 29.5
    limiter.check(7)  # the first write has left the window
    with pytest.raises(RateLimited):
        limiter.check(7)


def test_zero_disables_the_limit() -> None:
    limiter = WriteRateLimiter(0)
    for _ in range(10_000):
        limiter.check(1)
