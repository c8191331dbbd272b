"""The audit trail (issue item 3): every write records who, when, what and which records, and
`GET /api/v1/audit` shows each role its part of it.

One test performs every kind of write (contract import and amendment, an ingestion batch,
incidents, a billing run, issue, pay, void, token creation and revocation) through the API
where there is a route and through the services otherwise, then reads the trail as each role.
"""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta

import msgspec

from tests.support import CONTRACTS_DIR, bearer, daily
from vendor_ms import clock
from vendor_ms.access.caller import local_admin
from vendor_ms.access.service import create_token, list_tokens, revoke_token

OPERATOR = local_admin().name  # "cli:<OS user>": what the CLI and services run as


def document(name: str) -> dict:
    text = (CONTRACTS_DIR / f"{name}.toml").read_text(encoding="utf-8")
    return msgspec.to_builtins(tomllib.loads(text))


async def trail(client, token: str, **params: str) -> list[tuple]:
    response = await client.get("/api/v1/audit", params={"limit": "1000", **params}, headers=bearer(token))
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"])
    return [(e["actor"], e["role"], e["action"], e["ref"], e["shops"], e["vendors"]) for e in page["items"]]


async def test_every_write_is_audited_and_each_role_sees_its_part(client, make_token, fast_pdfs, pinned_clock) -> None:
    started = clock.now()
    admin = await make_token("admin")
    owner = await make_token("shop_owner", shops=["pdd-mengmeng"])
    vendor = await make_token("vendor", vendor="yunke")
    finance = await make_token("finance")

    async def post(token: str, path: str, status: int, **kw: object) -> dict:
        response = await client.post(path, headers=bearer(token), **kw)
        assert response.status_code == status, response.text
        return response.json()

    await post(admin, "/api/v1/contracts", 201, json=document("pdd-mengmeng-presale"))
    await post(admin, "/api/v1/contracts", 201, json=document("pdd-jiayi-presale"))
    amended = document("pdd-mengmeng-presale")
    amended["pricing"]["base_fee"] = "3200.00"
    await post(owner, "/api/v1/contracts", 201, json=amended, params={"effective_from": "2026-07-01"})
    incident = {"contract": "PDD-MM-PRE-2026", "date": "2026-10-05", "kind": "praise", "points": 2}
    await post(owner, "/api/v1/incidents", 201, json=incident)
    await post(admin, "/api/v1/incidents", 201, json={**incident, "contract": "PDD-JY-PRE-2026"})
    batch = await post(
        vendor,
        "/api/v1/performance/daily",
        201,
        json={"records": [daily("pdd-mm:yk01", "2026-10-01", consultations=9)]},
    )
    run = await post(finance, "/api/v1/billing-runs", 201, json={"period": "2026-10"})
    assert run["drafts"] == 2
    invoices = (await client.get("/api/v1/invoices", headers=bearer(finance))).json()["items"]
    mm = next(i["id"] for i in invoices if i["contract"] == "PDD-MM-PRE-2026")
    await post(finance, f"/api/v1/invoices/{mm}/issue", 200)
    await post(finance, f"/api/v1/invoices/{mm}/pay", 200)
    note = await post(finance, f"/api/v1/invoices/{mm}/void", 201, json={"reason": "金额有误"})
    issued = await create_token(local_admin(), user_name="vendor-3", label="second")
    await revoke_token(local_admin(), issued.secret)

    mengmeng, jiayi = ["pdd-mengmeng"], ["pdd-jiayi"]
    both = ["pdd-jiayi", "pdd-mengmeng"]
    prefixes = [r["prefix"] for r in await list_tokens()]
    everything = [
        (OPERATOR, "admin", "token.revoke", issued.prefix, [], []),
        (OPERATOR, "admin", "token.create", issued.prefix, [], ["yunke"]),
        ("finance-4", "finance", "invoice.void", "VMS-2026-000001", mengmeng, ["yunke"]),
        ("finance-4", "finance", "invoice.pay", "VMS-2026-000001", mengmeng, ["yunke"]),
        ("finance-4", "finance", "invoice.issue", "VMS-2026-000001", mengmeng, ["yunke"]),
        ("finance-4", "finance", "billing.run", f"#{run['id']}", both, ["sufu", "yunke"]),
        ("vendor-3", "vendor", "performance.ingest", str(batch["batch_id"]), mengmeng, ["yunke"]),
        ("admin-1", "admin", "incident.create", "#2", jiayi, ["sufu"]),
        ("shop_owner-2", "shop_owner", "incident.create", "#1", mengmeng, ["yunke"]),
        ("shop_owner-2", "shop_owner", "contract.amend", "PDD-MM-PRE-2026", mengmeng, ["yunke"]),
        ("admin-1", "admin", "contract.create", "PDD-JY-PRE-2026", jiayi, ["sufu"]),
        ("admin-1", "admin", "vendor.create", "sufu", [], ["sufu"]),
        ("admin-1", "admin", "shop.create", "pdd-jiayi", jiayi, []),
        ("admin-1", "admin", "contract.create", "PDD-MM-PRE-2026", mengmeng, ["yunke"]),
        ("admin-1", "admin", "vendor.create", "yunke", [], ["yunke"]),
        ("admin-1", "admin", "shop.create", "pdd-mengmeng", mengmeng, []),
        (OPERATOR, "admin", "token.create", prefixes[3], [], []),
        (OPERATOR, "admin", "user.create", "finance-4", [], []),
        (OPERATOR, "admin", "token.create", prefixes[2], [], ["yunke"]),
        (OPERATOR, "admin", "user.create", "vendor-3", [], ["yunke"]),
        (OPERATOR, "admin", "token.create", prefixes[1], [], []),
        (OPERATOR, "admin", "user.create", "shop_owner-2", mengmeng, []),
        (OPERATOR, "admin", "token.create", prefixes[0], [], []),
        (OPERATOR, "admin", "user.create", "admin-1", [], []),
    ]
    assert await trail(client, admin) == everything

    # Shop owners: the events of their shops. Vendors: their own actions. Finance: billing.
    assert await trail(client, owner) == [e for e in everything if "pdd-mengmeng" in e[4]]
    assert await trail(client, vendor) == [e for e in everything if e[0] == "vendor-3"]
    assert await trail(client, finance) == [e for e in everything if e[2].startswith(("billing.", "invoice."))]
    assert await trail(client, owner, action="contract.create") == [everything[13]]

    # When, and which records, in the detail.
    events = (await client.get("/api/v1/audit", headers=bearer(admin))).json()["items"]
    for event in events:
        at = datetime.fromisoformat(event["at"])
        assert started - timedelta(seconds=1) <= at <= clock.now()
    by_action: dict[str, dict] = {}
    for event in events:  # newest first: keep each action's newest detail
        by_action.setdefault(event["action"], event["detail"])
    assert by_action["invoice.void"] == {"reason": "金额有误", "credit_note": note["number"]}
    assert by_action["billing.run"] == {"period": "2026-10", "drafts": 2, "skipped_issued": 0}
    assert by_action["performance.ingest"]["records"] == 1
    assert by_action["performance.ingest"]["inserted"] == 1
    assert by_action["contract.amend"]["version"] == 2
    assert by_action["contract.amend"]["effective_from"] == "2026-07-01"
    assert by_action["token.revoke"] == {"user": "vendor-3"}
    # No secret is ever written to the trail.
    for secret in (admin, owner, vendor, finance, issued.secret):
        assert secret not in str(events)


async def test_renaming_a_shop_or_vendor_is_audited(client, make_token) -> None:
    admin = await make_token("admin")
    body = document("pdd-mengmeng-presale")
    assert (await client.post("/api/v1/contracts", json=body, headers=bearer(admin))).status_code == 201
    body["shop"]["name"] = "萌萌母婴旗舰店"
    body["vendor"]["name"] = "杭州云客网络科技有限公司(新)"
    renamed = await client.post(
        "/api/v1/contracts", json=body, params={"effective_from": "2026-07-01"}, headers=bearer(admin)
    )
    assert renamed.status_code == 201, renamed.text
    newest = (await trail(client, admin))[:3]
    assert newest == [
        ("admin-1", "admin", "contract.amend", "PDD-MM-PRE-2026", ["pdd-mengmeng"], ["yunke"]),
        ("admin-1", "admin", "vendor.update", "yunke", [], ["yunke"]),
        ("admin-1", "admin", "shop.update", "pdd-mengmeng", ["pdd-mengmeng"], []),
    ]
