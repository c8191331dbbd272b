"""The access matrix: for every /api/v1 route, the status each role gets in and out of its scope.

One entry per route of the app's route table, keyed exactly as Litestar spells it (method and
path template with converters, e.g. `("GET", "/api/v1/invoices/{invoice_id:int}")`). Each entry
says, for admin, shop owner, vendor and finance, the status on a resource *in* the caller's
scope and on one *out* of it (`world.py` names both), and how to make a valid request for
either, so that the status is about permission and never about validation. Without a token, or
with a revoked one, every route answers 401; that needs no entry.

Admin and finance see everything, so "out of scope" changes nothing for them; the shop owner and
the vendor get 404 for what is not theirs (existence never leaks), and 403 where their role may
not use the route at all. A batch naming an account they cannot see reads exactly like one naming
an unknown account: a row error, answered with the batch's 422 like any other.
"""

from __future__ import annotations

import io
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from tests.security.world import ACCOUNT, CONTRACT, DATA_DAYS, READ_PERIOD, ROLES, SHOP, World, counts
from tests.support import CONTRACTS_DIR, daily

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTRACT_FILE = {"in": "pdd-mengmeng-presale", "out": "pdd-jiayi-presale"}


@dataclass(frozen=True)
class Call:
    path: str
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


# (world, scope, expected status) → the request. State-changing routes take a fresh resource
# from the world's pools when they expect success, so one check never spoils the next.
Builder = Callable[[World, str, int], Call]


@dataclass(frozen=True)
class Entry:
    expect: dict[str, tuple[int, int]]  # role → (status in scope, status out of scope)
    call: Builder


def scoped(ok: int, hidden: int = 404, *, allowed: tuple[str, ...] = ROLES) -> dict[str, tuple[int, int]]:
    """`ok` for the allowed roles in scope; out of scope `ok` for admin and finance (they see
    everything) and `hidden` for shop owner and vendor; 403 for every other role."""
    return {
        role: ((ok, ok if role in ("admin", "finance") else hidden) if role in allowed else (403, 403))
        for role in ROLES
    }


def everyone(ok: int = 200) -> dict[str, tuple[int, int]]:
    """A list route: every role, filtered to its scope, never an error."""
    return scoped(ok, ok)


def get(path: str, **params: str) -> Builder:
    """A GET whose `{contract}`, `{shop}`, `{account}`, `{invoice}` placeholders name the scope's resource."""

    def build(world: World, scope: str, expected: int) -> Call:
        values = {
            "contract": CONTRACT[scope],
            "shop": SHOP[scope],
            "account": ACCOUNT[scope],
            "invoice": str(world.invoice[scope]),
            "day": DATA_DAYS[0],
            "period": READ_PERIOD,
        }
        return Call(path.format(**values), {k: v.format(**values) for k, v in params.items()})

    return build


def invoice_action(action: str, body: Any = None) -> Builder:
    def build(world: World, scope: str, expected: int) -> Call:
        invoice_id = world.take(action, scope) if 200 <= expected < 300 else world.invoice[scope]
        return Call(f"/api/v1/invoices/{invoice_id}/{action}", json=body)

    return build


def contract_document(world: World, scope: str, expected: int) -> Call:
    # The example document as it is stored: a valid request that answers 200 "unchanged".
    text = (CONTRACTS_DIR / f"{CONTRACT_FILE[scope]}.toml").read_text(encoding="utf-8")
    return Call("/api/v1/contracts", json=msgspec.to_builtins(tomllib.loads(text)))


def incident(world: World, scope: str, expected: int) -> Call:
    body = {"contract": CONTRACT[scope], "date": "2026-10-05", "kind": "complaint", "points": -1}
    return Call("/api/v1/incidents", json=body)


def daily_json(world: World, scope: str, expected: int) -> Call:
    record = daily(ACCOUNT[scope], world.next_day(), **counts())
    return Call("/api/v1/performance/daily", json={"records": [record]})


def daily_csv(world: World, scope: str, expected: int) -> Call:
    record = daily(ACCOUNT[scope], world.next_day(), **counts())
    text = ",".join(record) + "\r\n" + ",".join(str(v) for v in record.values()) + "\r\n"
    return Call("/api/v1/performance/daily.csv", content=text.encode(), headers={"content-type": "text/csv"})


def daily_xlsx(world: World, scope: str, expected: int) -> Call:
    from openpyxl import Workbook

    record = daily(ACCOUNT[scope], world.next_day(), **counts())
    book = Workbook()
    book.active.append(list(record))
    book.active.append(list(record.values()))
    out = io.BytesIO()
    book.save(out)
    return Call("/api/v1/performance/daily.xlsx", content=out.getvalue(), headers={"content-type": XLSX})


def billing_run(world: World, scope: str, expected: int) -> Call:
    # A period of its own: re-running it replaces only its own drafts, none the other checks use.
    return Call("/api/v1/billing-runs", json={"period": "2026-11"})


SUBMITTERS = ("admin", "shop_owner", "vendor")
BILLING = ("admin", "finance")
NOT_VENDORS = ("admin", "shop_owner", "finance")

MATRIX: dict[tuple[str, str], Entry] = {
    # contracts and the directory
    ("GET", "/api/v1/contracts"): Entry(everyone(), get("/api/v1/contracts")),
    ("POST", "/api/v1/contracts"): Entry(
        {"admin": (200, 200), "shop_owner": (200, 403), "vendor": (403, 403), "finance": (403, 403)},
        contract_document,
    ),
    ("GET", "/api/v1/contracts/{code:str}"): Entry(scoped(200), get("/api/v1/contracts/{contract}")),
    ("GET", "/api/v1/contracts/{code:str}/export"): Entry(scoped(200), get("/api/v1/contracts/{contract}/export")),
    ("GET", "/api/v1/contracts/{code:str}/export.toml"): Entry(
        scoped(200), get("/api/v1/contracts/{contract}/export.toml")
    ),
    ("GET", "/api/v1/shops"): Entry(everyone(), get("/api/v1/shops")),
    ("GET", "/api/v1/vendors"): Entry(everyone(), get("/api/v1/vendors")),
    ("GET", "/api/v1/accounts"): Entry(everyone(), get("/api/v1/accounts")),
    # performance data
    # An account outside the caller's scope is a row error like any other: the batch's 422.
    ("POST", "/api/v1/performance/daily"): Entry(scoped(201, 422, allowed=SUBMITTERS), daily_json),
    ("POST", "/api/v1/performance/daily.csv"): Entry(scoped(201, 422, allowed=SUBMITTERS), daily_csv),
    ("POST", "/api/v1/performance/daily.xlsx"): Entry(scoped(201, 422, allowed=SUBMITTERS), daily_xlsx),
    ("GET", "/api/v1/accounts/{code:str}/daily/{day:str}/revisions"): Entry(
        scoped(200), get("/api/v1/accounts/{account}/daily/{day}/revisions")
    ),
    ("GET", "/api/v1/contracts/{code:str}/metrics"): Entry(scoped(200), get("/api/v1/contracts/{contract}/metrics")),
    # incidents, billing, invoices
    ("GET", "/api/v1/incidents"): Entry(scoped(200), get("/api/v1/incidents", contract="{contract}")),
    ("POST", "/api/v1/incidents"): Entry(scoped(201, allowed=("admin", "shop_owner")), incident),
    ("POST", "/api/v1/billing-runs"): Entry(scoped(201, allowed=BILLING), billing_run),
    ("GET", "/api/v1/invoices"): Entry(everyone(), get("/api/v1/invoices", contract="{contract}")),
    ("GET", "/api/v1/invoices.csv"): Entry(everyone(), get("/api/v1/invoices.csv", contract="{contract}")),
    ("GET", "/api/v1/invoices/{invoice_id:int}"): Entry(scoped(200), get("/api/v1/invoices/{invoice}")),
    ("GET", "/api/v1/invoices/{invoice_id:int}/pdf"): Entry(scoped(200), get("/api/v1/invoices/{invoice}/pdf")),
    ("POST", "/api/v1/invoices/{invoice_id:int}/issue"): Entry(scoped(200, allowed=BILLING), invoice_action("issue")),
    ("POST", "/api/v1/invoices/{invoice_id:int}/pay"): Entry(scoped(200, allowed=BILLING), invoice_action("pay")),
    ("POST", "/api/v1/invoices/{invoice_id:int}/void"): Entry(
        scoped(201, allowed=BILLING), invoice_action("void", {"reason": "开票信息有误"})
    ),
    ("GET", "/api/v1/contracts/{code:str}/scorecard"): Entry(
        scoped(200), get("/api/v1/contracts/{contract}/scorecard", period="{period}")
    ),
    # reports and comparison
    ("GET", "/api/v1/shops/{code:str}/comparison"): Entry(
        scoped(200, allowed=NOT_VENDORS), get("/api/v1/shops/{shop}/comparison", period="{period}")
    ),
    ("GET", "/api/v1/shops/{code:str}/comparison.pdf"): Entry(
        scoped(200, allowed=NOT_VENDORS), get("/api/v1/shops/{shop}/comparison.pdf", period="{period}")
    ),
    ("GET", "/api/v1/contracts/{code:str}/scorecard.pdf"): Entry(
        scoped(200), get("/api/v1/contracts/{contract}/scorecard.pdf", period="{period}")
    ),
    ("GET", "/api/v1/reports/summary.pdf"): Entry(
        scoped(200, allowed=BILLING), get("/api/v1/reports/summary.pdf", period="{period}")
    ),
    # the audit trail (what each role sees of it: tests/security/test_audit.py)
    ("GET", "/api/v1/audit"): Entry(everyone(), get("/api/v1/audit")),
}
