"""Contract documents with the v2 sections over HTTP: accepted as JSON, exported as they were
stored (JSON and TOML), re-imported as "unchanged"; billed, for now, on their metric items only."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import msgspec

from tests.support import bearer, daily, month_days, submit
from vendor_ms.domain.contract import parse_json, parse_toml

EVERY_V2_SECTION = (Path(__file__).parent / "every_v2_section.toml").read_text(encoding="utf-8")
CODE = "PDD-V2-ALL"


def v2_body() -> dict:
    return msgspec.to_builtins(tomllib.loads(EVERY_V2_SECTION))


async def test_a_document_with_every_v2_section_round_trips_through_post_and_export(client, make_token) -> None:
    admin = bearer(await make_token("admin"))
    written = parse_toml(EVERY_V2_SECTION)
    created = await client.post("/api/v1/contracts", json=v2_body(), headers=admin)
    assert created.status_code == 201, created.text
    detail = created.json()
    assert detail["document"]["settlement"] == {"vendor_confirmation": "required", "payment_terms_days": 45}
    assert detail["document"]["scorecard"]["items"][3]["events"][2] == {
        "event": "absence",
        "label": "旷工",
        "points": 10,
    }

    exported = await client.get(f"/api/v1/contracts/{CODE}/export", headers=admin)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/json")
    # The export is the stored canonical JSON: its SHA-256 is the version's document_sha256.
    assert hashlib.sha256(exported.content).hexdigest() == detail["versions"][0]["document_sha256"]
    assert parse_json(exported.content) == written

    again = await client.post(
        "/api/v1/contracts", content=exported.content, headers={**admin, "content-type": "application/json"}
    )
    assert again.status_code == 200, again.text
    assert again.json()["current_version"] == 1

    as_toml = await client.get(f"/api/v1/contracts/{CODE}/export.toml", headers=admin)
    assert as_toml.status_code == 200
    assert as_toml.headers["content-type"].startswith("application/toml")
    assert parse_toml(as_toml.text) == written
    from_toml = await client.post(
        "/api/v1/contracts", json=msgspec.to_builtins(tomllib.loads(as_toml.text)), headers=admin
    )
    assert from_toml.status_code == 200

    # The detail's document (every default written out) is the same document as well.
    from_detail = await client.post("/api/v1/contracts", json=detail["document"], headers=admin)
    assert from_detail.status_code == 200
    assert from_detail.json()["versions"] == detail["versions"]

    missing = await client.get(f"/api/v1/contracts/{CODE}/export", params={"version": "2"}, headers=admin)
    assert missing.status_code == 404


async def test_v2_problems_come_back_as_one_422_with_their_paths(client, make_token) -> None:
    admin = bearer(await make_token("admin"))
    body = v2_body()
    body["scorecard"]["items"][2]["grades"][1]["grade"] = "优"
    body["scorecard"]["items"][3]["name"] = "素质"
    body["quality"]["forbidden_words"].append("傻瓜")
    response = await client.post("/api/v1/contracts", json=body, headers={**admin, "Accept-Language": "en"})
    assert response.status_code == 422
    assert [(e["field"], e["message"]) for e in response.json()["errors"]] == [
        ("scorecard.items[2].grades[1].grade", "duplicate grade '优'"),
        ("scorecard.items[3].name", "duplicate item name '素质'"),
        (
            "quality.forbidden_words[3]",
            "duplicate of forbidden_words[1] '傻瓜' (compared after NFKC and case folding)",
        ),
    ]
    chinese = await client.post("/api/v1/contracts", json=body, headers=admin)
    assert [e["message"] for e in chinese.json()["errors"]] == [
        "等级 “优” 重复",
        "考核项名称 “素质” 重复",
        "与 forbidden_words[1]“傻瓜”重复（按 NFKC 规范化和大小写折叠比较）",
    ]


async def test_billing_and_the_live_scorecard_evaluate_only_the_metric_items(client, make_token, pinned_clock) -> None:
    admin = bearer(await make_token("admin"))
    assert (await client.post("/api/v1/contracts", json=v2_body(), headers=admin)).status_code == 201
    # Per day: 100 consultations, 3 unanswered (97% ≥ 95% → 30 points), 2000 s over 100 responses
    # (20 s ≤ 30 → 20 points). Graded and deductions items are not scored yet (SPEC 15 comes later).
    records = [
        daily("pdd-v2:a01", day, consultations=100, unanswered_3min=3, response_seconds_total="2000", responses=100)
        for day in month_days(2026, 10)
    ]
    await submit(client, await make_token("admin"), records)
    run = await client.post("/api/v1/billing-runs", json={"period": "2026-10"}, headers=admin)
    assert run.status_code == 201, run.text
    invoices = (await client.get("/api/v1/invoices", params={"contract": CODE}, headers=admin)).json()["items"]
    invoice = (await client.get(f"/api/v1/invoices/{invoices[0]['id']}", headers=admin)).json()
    # base 3000.00; score 50/50 ≥ 0.70 → bonus 1000.00 × 50/50 = 1000.00; net 4000.00;
    # tax 4000.00 × 0.06 = 240.00; total 4240.00. The daily red lines cost nothing yet (SPEC 12.1 later).
    assert [(line["kind"], line["amount"]) for line in invoice["lines"]] == [("base", "3000.00"), ("bonus", "1000.00")]
    assert (invoice["net"], invoice["tax"], invoice["total"]) == ("4000.00", "240.00", "4240.00")
    card = invoice["scorecard"]
    assert [(i["metric"], i["points"]) for i in card["items"]] == [
        ("reply_rate_3min", 30),
        ("avg_response_seconds", 20),
    ]
    assert (card["score"], card["max_points"]) == (50, 50)

    live = await client.get(f"/api/v1/contracts/{CODE}/scorecard", params={"period": "2026-10"}, headers=admin)
    assert live.status_code == 200
    assert live.json()["scorecard"] == card
    pdf = await client.get(f"/api/v1/contracts/{CODE}/scorecard.pdf", params={"period": "2026-10"}, headers=admin)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
