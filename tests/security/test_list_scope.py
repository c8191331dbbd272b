"""What every list route shows each role, in and out of its scope (SPEC 7; issue 17 item 4).

The access matrix checks statuses; this checks contents. The list routes are found in the app's
route table (every /api/v1 GET answering a `Page`, and the CSV exports), and each must have an
entry in `LISTS` below: a route without one fails, and so does an entry for a route that is gone.

An entry says how to ask (sometimes once for the whole list, sometimes once per scope with a
filter naming the resource in or out of the caller's scope) and, for admin, shop owner, vendor
and finance, exactly which items come back (and that `total` counts those, not more). The world
is `world.py`'s: the nine example contracts (shop pdd-mengmeng has two, PDD-MM-PRE-2026 with yunke
and PDD-MM-AFT-2026 with haoke; yunke also serves pdd-youpin), data and an incident on
PDD-MM-PRE-2026 (in scope) and PDD-JY-PRE-2026 (out), invoices of 2026-10 and of pool months.
The shop owner's token is for pdd-mengmeng, the vendor's for yunke.

Bugs this catches: a shop owner seeing every account or shop, a vendor seeing every vendor, a
list scoped by the wrong column, a `total` that counts what the caller cannot see.
"""

from __future__ import annotations

import csv
import io
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from tests.security.world import ACCOUNT, CONTRACT, DATA_DAYS, ROLES, World, build_world
from tests.support import bearer
from vendor_ms.api.app import create_app
from vendor_ms.pagination import Page
from vendor_ms.settings import load_settings

# The world's contracts: code → (shop, vendor, billed months among 2026-03…2026-10 that exist).
CONTRACTS = {
    "DY-HY-PROMO-1111": ("douyin-huayang", "meixun"),
    "KS-LWD-FULL-2026": ("kuaishou-laoweidao", "qiantang"),
    "PDD-JY-PRE-2026": ("pdd-jiayi", "sufu"),
    "PDD-LH-PRE-2026": ("pdd-lehuo", "haoke"),
    "PDD-MM-AFT-2026": ("pdd-mengmeng", "haoke"),
    "PDD-MM-PRE-2026": ("pdd-mengmeng", "yunke"),
    "PDD-MU-PRE-2026": ("pdd-mumu", "sufu"),
    "PDD-YP-FULL-2026": ("pdd-youpin", "yunke"),
    "TM-YS-AFT-2026": ("tmall-yishang", "xinchen"),
}
OWNER_SHOP, VENDOR = "pdd-mengmeng", "yunke"
ACCOUNTS = {
    "DY-HY-PROMO-1111": ["dy-hy:mx01", "dy-hy:mx02", "dy-hy:mx03"],
    "KS-LWD-FULL-2026": ["ks-lwd:qt01", "ks-lwd:qt02"],
    "PDD-JY-PRE-2026": ["pdd-jy:sf01", "pdd-jy:sf02", "pdd-jy:sf03"],
    "PDD-LH-PRE-2026": ["pdd-lh:hk01", "pdd-lh:hk02"],
    "PDD-MM-AFT-2026": ["pdd-mm:hk01", "pdd-mm:hk02"],
    "PDD-MM-PRE-2026": ["pdd-mm:yk01", "pdd-mm:yk02", "pdd-mm:yk03"],
    "PDD-MU-PRE-2026": ["pdd-mu:sf01", "pdd-mu:sf02"],
    "PDD-YP-FULL-2026": ["pdd-yp:yk01", "pdd-yp:yk02"],
    "TM-YS-AFT-2026": ["tm-ys:xc01", "tm-ys:xc02", "tm-ys:xc03", "tm-ys:xc04"],
}
MONTHLY_IN_OCTOBER = sorted(c for c in CONTRACTS if c != "DY-HY-PROMO-1111")  # the daily promotion is not


def contracts_of(role: str) -> list[str]:
    """The contracts a role sees: everything, its shop's, or its vendor's."""
    if role == "shop_owner":
        return [c for c, (shop, _) in CONTRACTS.items() if shop == OWNER_SHOP]
    if role == "vendor":
        return [c for c, (_, vendor) in CONTRACTS.items() if vendor == VENDOR]
    return list(CONTRACTS)


Key = Callable[[dict[str, Any]], Any]
Expect = Callable[[str], set[Any] | None]  # role → the exact items, None for 404 (not visible)


@dataclass(frozen=True)
class Ask:
    path: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    ask: dict[str, Ask]  # scope ("in", "out", or "all" for a list without a filter) → the request
    key: Key  # an item → what identifies it
    expect: dict[str, Expect]  # scope → role → items
    csv: bool = False


def same_for(scope_expect: Expect, *scopes: str) -> dict[str, Expect]:
    return dict.fromkeys(scopes, scope_expect)


def per_contract(codes: Callable[[str], list[str]], make: Callable[[str], set[Any]]) -> Expect:
    return lambda role: {item for code in codes(role) for item in make(code)}


def seen(code: str) -> Callable[[str], bool]:
    return lambda role: code in contracts_of(role)


def invoices_of_october(role: str) -> set[Any]:
    return {(c, "2026-10") for c in MONTHLY_IN_OCTOBER if c in contracts_of(role)}


def one_contract(scope: str) -> Expect:
    """The invoices of the scope's contract: 2026-10 and its two pool months per action."""
    months = ["2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-10"]
    code = CONTRACT[scope]
    return lambda role: {(code, m) for m in months} if seen(code)(role) else set()


def revisions(scope: str) -> Expect:
    code = CONTRACT[scope]
    return lambda role: {(1, code)} if seen(code)(role) else None


# The audit trail is scoped by its own rule (admin: all; shop owner: its shops' events; vendor:
# its own actions; finance: the billing trail). world.py acts as the local admin throughout:
# it records the in-scope contract's incident first (#1), then the other's (#2), and runs
# billing seven times (2026-10 and six pool months), each run drafting for pdd-mengmeng.
AUDIT = {
    "incident.create": {
        "admin": {"#1", "#2"},
        "shop_owner": {"#1"},
        "vendor": set(),
        "finance": set(),
    },
    "billing.run": {
        "admin": {f"#{n}" for n in range(1, 8)},
        "shop_owner": {f"#{n}" for n in range(1, 8)},
        "vendor": set(),
        "finance": {f"#{n}" for n in range(1, 8)},
    },
}


def audit_events(action: str) -> Expect:
    return lambda role: {(action, ref) for ref in AUDIT[action][role]}


LISTS: dict[str, Entry] = {
    "/api/v1/contracts": Entry(
        {"all": Ask("/api/v1/contracts")},
        lambda item: item["code"],
        same_for(lambda role: set(contracts_of(role)), "all"),
    ),
    "/api/v1/shops": Entry(
        {"all": Ask("/api/v1/shops")},
        lambda item: item["code"],
        same_for(lambda role: {CONTRACTS[c][0] for c in contracts_of(role)}, "all"),
    ),
    "/api/v1/vendors": Entry(
        {"all": Ask("/api/v1/vendors")},
        lambda item: item["code"],
        same_for(lambda role: {CONTRACTS[c][1] for c in contracts_of(role)}, "all"),
    ),
    "/api/v1/accounts": Entry(
        {"all": Ask("/api/v1/accounts")},
        lambda item: (item["code"], item["contract"]),
        same_for(per_contract(contracts_of, lambda c: {(a, c) for a in ACCOUNTS[c]}), "all"),
    ),
    "/api/v1/incidents": Entry(
        {"all": Ask("/api/v1/incidents")},
        lambda item: (item["contract"], item["date"], item["kind"]),
        same_for(
            per_contract(
                lambda role: [CONTRACT[s] for s in ("in", "out") if seen(CONTRACT[s])(role)],
                lambda c: {(c, "2026-10-02", "praise")},
            ),
            "all",
        ),
    ),
    "/api/v1/invoices": Entry(
        {
            "all": Ask("/api/v1/invoices", {"period": "2026-10"}),
            "in": Ask("/api/v1/invoices", {"contract": CONTRACT["in"]}),
            "out": Ask("/api/v1/invoices", {"contract": CONTRACT["out"]}),
        },
        lambda item: (item["contract"], item["period"]),
        {"all": invoices_of_october, "in": one_contract("in"), "out": one_contract("out")},
    ),
    "/api/v1/invoices.csv": Entry(
        {
            "all": Ask("/api/v1/invoices.csv", {"period": "2026-10"}),
            "in": Ask("/api/v1/invoices.csv", {"contract": CONTRACT["in"]}),
            "out": Ask("/api/v1/invoices.csv", {"contract": CONTRACT["out"]}),
        },
        lambda row: (row["contract"], row["period"]),
        {"all": invoices_of_october, "in": one_contract("in"), "out": one_contract("out")},
        csv=True,
    ),
    "/api/v1/accounts/{code:str}/daily/{day:str}/revisions": Entry(
        {scope: Ask(f"/api/v1/accounts/{ACCOUNT[scope]}/daily/{DATA_DAYS[0]}/revisions") for scope in ("in", "out")},
        lambda item: (item["revision"], item["contract"]),
        {"in": revisions("in"), "out": revisions("out")},
    ),
    # Every kind of event, per role: tests/security/test_audit.py. Here two kinds.
    "/api/v1/audit": Entry(
        {action: Ask("/api/v1/audit", {"action": action}) for action in AUDIT},
        lambda item: (item["action"], item["ref"]),
        {action: audit_events(action) for action in AUDIT},
    ),
}


def list_routes(app: Litestar) -> set[str]:
    """Path templates of every /api/v1 GET that answers a list: a `Page`, or a CSV export."""
    found = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/v1/"):
            continue
        for handler in route.route_handlers:
            annotation = handler.parsed_fn_signature.return_type.annotation
            if "GET" in handler.http_methods and (typing.get_origin(annotation) is Page or route.path.endswith(".csv")):
                found.add(route.path)
    return found


def test_every_list_route_has_an_entry() -> None:
    app = create_app(load_settings(database_url="sqlite:///unused.sqlite3"), manage_database=False)
    routes = list_routes(app)
    assert "/api/v1/invoices" in routes and "/api/v1/invoices.csv" in routes  # the table is read at all
    assert sorted(routes - LISTS.keys()) == [], "list routes without an entry in LISTS"
    assert sorted(LISTS.keys() - routes) == [], "entries for routes that are not list routes (any more)"


def test_the_roles_see_different_things() -> None:
    # The expectations themselves tell the roles apart (else a list showing everyone everything
    # could pass): the shop owner and the vendor each see a part, and not the same part.
    everything = set(contracts_of("admin"))
    assert set(contracts_of("shop_owner")) < everything and set(contracts_of("vendor")) < everything
    assert set(contracts_of("shop_owner")) != set(contracts_of("vendor"))


def items_of(response: httpx.Response, entry: Entry) -> tuple[list[Any], int]:
    if entry.csv:
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        return [entry.key(row) for row in rows], len(rows)
    page = response.json()
    return [entry.key(item) for item in page["items"]], page["total"]


@pytest.fixture
async def world(db, fast_pdfs) -> World:
    return await build_world()


async def test_every_list_shows_each_role_exactly_its_part(db, world: World) -> None:
    app = create_app(load_settings(database_url=db.url), manage_database=False)
    wrong: list[str] = []
    checks = 0
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://vendor-ms.test") as http:
        for path in sorted(list_routes(app)):
            entry = LISTS[path]
            for scope, ask in entry.ask.items():
                for role in ROLES:
                    checks += 1
                    expected = entry.expect[scope](role)
                    params = {**ask.params, "limit": "1000"} if not entry.csv else ask.params
                    response = await http.get(ask.path, params=params, headers=bearer(world.tokens[role]))
                    where = f"{path} [{scope}] as {role}"
                    if expected is None:
                        if response.status_code != 404:
                            wrong.append(f"{where}: expected 404, got {response.status_code}")
                        continue
                    if response.status_code != 200:
                        wrong.append(f"{where}: {response.status_code} {response.text[:200]}")
                        continue
                    items, total = items_of(response, entry)
                    if sorted(items, key=repr) != sorted(expected, key=repr) or total != len(expected):
                        extra = sorted(set(items) - expected, key=repr)
                        missing = sorted(expected - set(items), key=repr)
                        wrong.append(f"{where}: total {total}, extra {extra}, missing {missing}")
    assert wrong == [], "\n".join(wrong)
    assert checks == sum(len(e.ask) for e in LISTS.values()) * len(ROLES)
