"""A small but complete world for the security tests, built through the services.

Two contracts matter: PDD-MM-PRE-2026 (shop pdd-mengmeng, vendor yunke) is *in* the scope of
the shop owner and vendor tokens, PDD-JY-PRE-2026 (shop pdd-jiayi, vendor sufu) is *out* of it.
Both have performance data, an incident, and invoices in every state; admin and finance see both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import msgspec

from tests.support import daily, import_examples
from vendor_ms.access.caller import local_admin
from vendor_ms.access.service import create_user, revoke_token
from vendor_ms.billing import service as billing
from vendor_ms.billing.schemas import IncidentIn
from vendor_ms.domain.performance import parse_json
from vendor_ms.pagination import Window
from vendor_ms.performance.service import ingest

ROLES = ("admin", "shop_owner", "vendor", "finance")
SCOPES = ("in", "out")
CONTRACT = {"in": "PDD-MM-PRE-2026", "out": "PDD-JY-PRE-2026"}
SHOP = {"in": "pdd-mengmeng", "out": "pdd-jiayi"}
ACCOUNT = {"in": "pdd-mm:yk01", "out": "pdd-jy:sf01"}
ACCOUNTS = {"in": ["pdd-mm:yk01", "pdd-mm:yk02", "pdd-mm:yk03"], "out": ["pdd-jy:sf01", "pdd-jy:sf02", "pdd-jy:sf03"]}
DATA_DAYS = ["2026-10-01", "2026-10-02", "2026-10-03"]
READ_PERIOD = "2026-10"
# Months whose invoices only the state-changing checks use, one check per invoice.
POOL_PERIODS = {"issue": ("2026-03", "2026-04"), "pay": ("2026-05", "2026-06"), "void": ("2026-07", "2026-08")}


@dataclass
class World:
    tokens: dict[str, str]  # role → bearer secret; also "revoked" (an admin's, revoked)
    invoice: dict[str, int]  # scope → an issued invoice of READ_PERIOD
    pools: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (action, scope) → invoice ids
    days_used: int = 0

    def next_day(self) -> str:
        """A day no record has yet (September 2026 onwards), so each submission inserts."""
        self.days_used += 1
        return (date(2026, 9, 1) + timedelta(days=self.days_used - 1)).isoformat()

    def take(self, action: str, scope: str) -> int:
        """A fresh invoice for one state-changing check (a draft to issue, an issued one to pay or void)."""
        pool = self.pools[(action, scope)]
        assert pool, f"the world has no more invoices for {action} ({scope} of scope)"
        return pool.pop()


def counts(consultations: int = 100) -> dict[str, object]:
    return {
        "consultations": consultations,
        "unanswered_3min": 5,
        "answered_30s": 80,
        "response_seconds_total": "1500",
        "responses": consultations,
        "inquiries": 40,
        "paid_buyers": 12,
        "sales_amount": "1200.00",
        "orders": 12,
        "surveys": 20,
        "satisfied": 19,
    }


async def _invoice_id(contract: str, period: str) -> int:
    page = await billing.list_invoices(local_admin(), period=period, contract=contract, window=Window(10, 0))
    (invoice,) = [i for i in page.items if i.kind == "invoice" and i.status != "void"]
    return invoice.id


async def build_world() -> World:
    admin = local_admin()
    await import_examples()
    tokens = {
        "admin": (await create_user(admin, name="matrix-admin", role="admin")).secret,
        "shop_owner": (await create_user(admin, name="matrix-owner", role="shop_owner", shops=[SHOP["in"]])).secret,
        "vendor": (await create_user(admin, name="matrix-vendor", role="vendor", vendor="yunke")).secret,
        "finance": (await create_user(admin, name="matrix-finance", role="finance")).secret,
    }
    revoked = (await create_user(admin, name="matrix-revoked", role="admin")).secret
    await revoke_token(admin, revoked)
    tokens["revoked"] = revoked

    records = [daily(a, d, **counts()) for scope in SCOPES for a in ACCOUNTS[scope] for d in DATA_DAYS]
    await ingest(admin, parse_json(msgspec.json.encode({"records": records})))
    for scope in SCOPES:
        await billing.record_incident(
            admin,
            IncidentIn(contract=CONTRACT[scope], date=date(2026, 10, 2), kind="praise", points=1, note="回复及时"),
        )

    invoice = {}
    for period in (READ_PERIOD, *[p for ps in POOL_PERIODS.values() for p in ps]):
        await billing.run_billing(admin, period)
    for scope in SCOPES:
        invoice[scope] = await _invoice_id(CONTRACT[scope], READ_PERIOD)
        await billing.issue_invoice(admin, invoice[scope])
    world = World(tokens=tokens, invoice=invoice)
    for action, periods in POOL_PERIODS.items():
        for scope in SCOPES:
            ids = [await _invoice_id(CONTRACT[scope], p) for p in periods]
            if action in ("pay", "void"):
                for invoice_id in ids:
                    await billing.issue_invoice(admin, invoice_id)
            world.pools[(action, scope)] = ids
    return world
