"""Contracts over HTTP and through the service: create/amend/unchanged, scope, listing, export."""

from __future__ import annotations

import tomllib
from datetime import date

import msgspec
import pytest

from tests.support import CONTRACTS_DIR, bearer, import_examples
from vendor_ms.access.caller import local_admin
from vendor_ms.contracts.service import export_document, import_document
from vendor_ms.db.tables import AuditEvent, Contract, ContractVersion
from vendor_ms.domain.contract import parse_toml, to_toml
from vendor_ms.errors import ValidationFailed


def example_json(name: str = "pdd-mengmeng-presale") -> dict:
    data = tomllib.loads((CONTRACTS_DIR / f"{name}.toml").read_text(encoding="utf-8"))
    return msgspec.to_builtins(data)


async def test_post_creates_then_unchanged_then_amends(client, make_token) -> None:
    admin = await make_token("admin")
    body = example_json()
    created = await client.post("/api/v1/contracts", json=body, headers=bearer(admin))
    assert created.status_code == 201, created.text
    assert created.json()["current_version"] == 1
    assert created.json()["document"]["pricing"]["base_fee"] == "3000.00"

    again = await client.post("/api/v1/contracts", json=body, headers=bearer(admin))
    assert again.status_code == 200
    assert again.json()["current_version"] == 1
    assert await ContractVersion.count() == 1

    body["pricing"]["base_fee"] = "3200.00"
    amended = await client.post(
        "/api/v1/contracts", json=body, params={"effective_from": "2026-07-01"}, headers=bearer(admin)
    )
    assert amended.status_code == 201
    versions = amended.json()["versions"]
    assert [(v["version"], v["effective_from"]) for v in versions] == [(1, "2026-01-01"), (2, "2026-07-01")]
    assert amended.json()["document"]["pricing"]["base_fee"] == "3200.00"
    trail = await AuditEvent.select(AuditEvent.action, AuditEvent.entity_ref).order_by(AuditEvent.id)
    # create, unchanged (writes nothing, so no event), amend: one event each for the contract
    contract_events = [(e["action"], e["entity_ref"]) for e in trail if e["action"].startswith("contract.")]
    assert contract_events == [("contract.create", "PDD-MM-PRE-2026"), ("contract.amend", "PDD-MM-PRE-2026")]


async def test_invalid_document_gets_422_problem_with_every_error(client, make_token) -> None:
    admin = await make_token("admin")
    body = example_json()
    body["tax_rate"] = "1.06"
    body["scorecard"]["items"][1]["bands"][0]["at_most"] = "99"
    body["pricing"]["commission_rate"] = "1.5"
    response = await client.post("/api/v1/contracts", json=body, headers=bearer(admin))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 422
    assert problem["error_count"] == 3
    fields = {e["field"] for e in problem["errors"]}
    assert fields == {"tax_rate", "scorecard.items[1].bands[1].at_most", "pricing.commission_rate"}
    assert await Contract.count() == 0


async def test_structurally_wrong_body_lists_every_field(client, make_token) -> None:
    admin = await make_token("admin")
    body = example_json()
    body["starts_on"] = "not a date"
    body["accounts"] = "pdd-mm:yk01"
    body["pricing"]["base_fee"] = "NaN"
    response = await client.post("/api/v1/contracts", json=body, headers=bearer(admin))
    assert response.status_code == 422
    fields = sorted(e["field"] for e in response.json()["errors"])
    assert fields == ["accounts", "pricing.base_fee", "starts_on"]


async def test_malformed_json_is_400(client, make_token) -> None:
    admin = await make_token("admin")
    response = await client.post(
        "/api/v1/contracts", content=b'{"code": "X", ', headers={**bearer(admin), "content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["title"] == "无法解析的输入"  # Malformed input, in Chinese by default


async def test_roles_and_scope(client, make_token) -> None:
    await import_examples()
    owner = await make_token("shop_owner", shops=["pdd-mengmeng"])
    vendor = await make_token("vendor", vendor="sufu")
    finance = await make_token("finance")

    # A shop owner sees only its shops' contracts; a vendor only its own.
    codes = [c["code"] for c in (await client.get("/api/v1/contracts", headers=bearer(owner))).json()["items"]]
    assert codes == ["PDD-MM-AFT-2026", "PDD-MM-PRE-2026"]
    mine = (await client.get("/api/v1/contracts", headers=bearer(vendor))).json()
    assert mine == {"items": mine["items"], "total": 2}
    assert {c["code"] for c in mine["items"]} == {"PDD-JY-PRE-2026", "PDD-MU-PRE-2026"}
    assert (await client.get("/api/v1/contracts", headers=bearer(finance))).json()["total"] == 9

    # Outside the scope: 404, exactly as for a contract that does not exist.
    hidden = await client.get("/api/v1/contracts/PDD-JY-PRE-2026", headers=bearer(owner))
    missing = await client.get("/api/v1/contracts/NOPE", headers=bearer(owner))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"] == "no contract 'PDD-JY-PRE-2026'"

    accounts = (await client.get("/api/v1/accounts", headers=bearer(vendor))).json()
    assert {a["code"] for a in accounts["items"]} == {
        "pdd-jy:sf01",
        "pdd-jy:sf02",
        "pdd-jy:sf03",
        "pdd-mu:sf01",
        "pdd-mu:sf02",
    }
    shops = (await client.get("/api/v1/shops", headers=bearer(vendor))).json()
    assert [s["code"] for s in shops["items"]] == ["pdd-jiayi", "pdd-mumu"]
    vendors = (await client.get("/api/v1/vendors", headers=bearer(owner))).json()
    assert [v["code"] for v in vendors["items"]] == ["haoke", "yunke"]

    # Only admins and shop owners (for their shops) create contracts.
    body = example_json("pdd-jiayi-presale")
    assert (await client.post("/api/v1/contracts", json=body, headers=bearer(vendor))).status_code == 403
    assert (await client.post("/api/v1/contracts", json=body, headers=bearer(finance))).status_code == 403
    assert (await client.post("/api/v1/contracts", json=body, headers=bearer(owner))).status_code == 403
    own = example_json()
    own["code"] = "PDD-MM-PRE-2027"
    own["starts_on"], own["ends_on"] = "2027-01-01", "2027-12-31"
    own["accounts"] = [{"code": "pdd-mm:yk09", "active_from": "2027-01-01"}]
    assert (await client.post("/api/v1/contracts", json=own, headers=bearer(owner))).status_code == 201


async def test_tokens_are_required(client, make_token) -> None:
    no_token = await client.get("/api/v1/contracts")
    assert no_token.status_code == 401
    assert no_token.json()["title"] == "需要身份验证"
    english = await client.get("/api/v1/contracts", headers={"Accept-Language": "en"})
    assert english.json()["title"] == "Authentication required"
    assert (await client.get("/api/v1/contracts", headers=bearer("vms_wrong"))).status_code == 401
    assert (await client.get("/health")).json()["status"] == "ok"


async def test_pagination(client, make_token) -> None:
    await import_examples()
    admin = await make_token("admin")
    page = (await client.get("/api/v1/contracts", params={"limit": 4, "offset": 4}, headers=bearer(admin))).json()
    assert page["total"] == 9
    assert [c["code"] for c in page["items"]] == [
        "PDD-MM-AFT-2026",
        "PDD-MM-PRE-2026",
        "PDD-MU-PRE-2026",
        "PDD-YP-FULL-2026",
    ]
    too_big = await client.get("/api/v1/contracts", params={"limit": 1001}, headers=bearer(admin))
    assert too_big.status_code == 422  # README: a request that parses but is wrong
    assert too_big.json()["errors"][0]["field"] == "limit"


async def test_import_export_import_is_the_identity(db) -> None:
    for path in sorted(CONTRACTS_DIR.glob("*.toml")):
        doc = parse_toml(path.read_text(encoding="utf-8"))
        assert (await import_document(local_admin(), doc)).status == "created"
        exported = to_toml(await export_document(local_admin(), doc.code))
        assert parse_toml(exported) == doc
        again = await import_document(local_admin(), parse_toml(exported))
        assert again.status == "unchanged"
    assert await ContractVersion.count() == 9


async def test_amendment_rules(db) -> None:
    doc = parse_toml((CONTRACTS_DIR / "pdd-mengmeng-presale.toml").read_text(encoding="utf-8"))
    await import_document(local_admin(), doc)
    changed = msgspec.structs.replace(doc, title="萌萌家居 售前 (修订)")
    outcome = await import_document(local_admin(), changed, effective_from=date(2026, 9, 1))
    assert (outcome.status, outcome.version) == ("amended", 2)
    # An amendment cannot predate the version it replaces, nor move the contract to another shop.
    earlier = msgspec.structs.replace(doc, title="again")
    with pytest.raises(ValidationFailed) as info:
        await import_document(local_admin(), earlier, effective_from=date(2026, 8, 1))
    assert [e.field for e in info.value.errors] == ["effective_from"]
    moved = msgspec.structs.replace(doc, shop=msgspec.structs.replace(doc.shop, code="pdd-other"))
    with pytest.raises(ValidationFailed) as info:
        await import_document(local_admin(), moved, effective_from=date(2026, 10, 1))
    assert [e.field for e in info.value.errors] == ["shop.code"]


async def test_an_account_cannot_serve_two_contracts_at_once(db) -> None:
    await import_examples("pdd-mengmeng-presale")
    other = parse_toml((CONTRACTS_DIR / "pdd-mengmeng-aftersale.toml").read_text(encoding="utf-8"))
    clash = msgspec.structs.replace(
        other, accounts=[*other.accounts, msgspec.structs.replace(other.accounts[0], code="pdd-mm:yk01")]
    )
    with pytest.raises(ValidationFailed) as info:
        await import_document(local_admin(), clash)
    assert info.value.errors[0].field == "accounts[2].code"
    assert "already bound to another contract" in info.value.errors[0].render("en")
    assert await Contract.count() == 1
