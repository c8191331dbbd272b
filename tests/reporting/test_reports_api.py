"""The vendor comparison and the PDF routes: figures, benchmark privacy, scope, real CJK fonts."""

from __future__ import annotations

import subprocess

import pytest

from tests.support import bearer, import_examples, submit
from vendor_ms.demo import DEMO_MONTH, ServedAccount, daily_records

PDD_SHOPS = {
    "pdd-mengmeng": ["pdd-mm:yk01", "pdd-mm:yk02", "pdd-mm:yk03", "pdd-mm:hk01", "pdd-mm:hk02"],
    "pdd-jiayi": ["pdd-jy:sf01", "pdd-jy:sf02", "pdd-jy:sf03"],
    "pdd-youpin": ["pdd-yp:yk01", "pdd-yp:yk02"],
    "pdd-lehuo": ["pdd-lh:hk01", "pdd-lh:hk02"],
    "pdd-mumu": ["pdd-mu:sf01", "pdd-mu:sf02"],
}


def month_for(codes: list[str], vendor: str, scope: str = "presale") -> list[dict[str, object]]:
    first = DEMO_MONTH.start.replace(day=15) if any(c.startswith("pdd-lh") for c in codes) else DEMO_MONTH.start
    return daily_records(
        [ServedAccount(c, vendor, "家居日用", scope, first, DEMO_MONTH.end) for c in codes], DEMO_MONTH, seed=7
    )


async def load_shops(client, token: str, count: int) -> None:
    """A month of data for the first `count` Pinduoduo 家居日用 shops."""
    for shop in list(PDD_SHOPS)[:count]:
        await submit(client, token, month_for(PDD_SHOPS[shop], "yunke"))


@pytest.fixture
async def world(client, make_token):
    await import_examples()
    admin = await make_token("admin")
    return {
        "admin": admin,
        "finance": await make_token("finance"),
        "owner": await make_token("shop_owner", shops=["pdd-mengmeng"]),
        "vendor": await make_token("vendor", vendor="yunke"),
    }


async def test_comparison_puts_vendors_side_by_side_with_a_private_benchmark(client, world) -> None:
    await load_shops(client, world["admin"], 5)
    response = await client.get(
        "/api/v1/shops/pdd-mengmeng/comparison",
        params={"period": "2026-10", "periods": 3},
        headers=bearer(world["owner"]),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["periods"] == ["2026-08", "2026-09", "2026-10"]
    assert [(v["vendor"], v["contract"]) for v in body["vendors"]] == [
        ("haoke", "PDD-MM-AFT-2026"),
        ("yunke", "PDD-MM-PRE-2026"),
    ]
    presale = body["vendors"][1]
    assert [t["period"] for t in presale["trend"]] == body["periods"]
    assert presale["trend"][0]["net"] == "3000.00"  # August: base fee only, no data
    # Five shops of 拼多多 · 家居日用 have data: the mean is shown, but the top-10% group would be
    # a single shop (its own figures), so it stays hidden.
    bench = body["benchmark"]
    assert bench is not None and bench["shops"] == 5 and body["benchmark_note"] is None
    reply = next(m for m in bench["metrics"] if m["metric"] == "reply_rate_3min")
    assert reply["shops"] == 5 and reply["mean"] is not None and reply["top10_mean"] is None
    # No shop's own figure appears as a benchmark value.
    shop_values = set()
    for shop in PDD_SHOPS:
        card = await client.get(
            f"/api/v1/shops/{shop}/comparison",
            params={"period": "2026-10", "periods": 1},
            headers=bearer(world["admin"]),
        )
        for vendor in card.json()["vendors"]:
            shop_values.add(vendor["metrics"]["reply_rate_3min"])
    assert reply["mean"] not in shop_values


async def test_too_few_shops_hide_the_benchmark(client, world) -> None:
    await load_shops(client, world["admin"], 4)
    body = (
        await client.get(
            "/api/v1/shops/pdd-mengmeng/comparison", params={"period": "2026-10"}, headers=bearer(world["admin"])
        )
    ).json()
    assert body["benchmark"] is None
    assert body["benchmark_note"] == (
        "benchmark hidden: 4 shop(s) of 家居日用 on pinduoduo have data in 2026-10; "
        "at least 5 are needed so that no shop can be identified"
    )
    assert len(body["vendors"]) == 2


async def test_comparison_scope(client, world) -> None:
    params = {"period": "2026-10"}
    other = await client.get("/api/v1/shops/pdd-jiayi/comparison", params=params, headers=bearer(world["owner"]))
    assert other.status_code == 404
    vendor = await client.get("/api/v1/shops/pdd-mengmeng/comparison", params=params, headers=bearer(world["vendor"]))
    assert vendor.status_code == 403
    assert (
        await client.get("/api/v1/shops/pdd-mengmeng/comparison", params=params, headers=bearer(world["finance"]))
    ).status_code == 200


def cjk_fonts(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line for line in listing.splitlines() if "CJK" in line and " yes " in line]


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


async def test_pdf_routes(client, world, tmp_path) -> None:
    await load_shops(client, world["admin"], 1)
    scorecard = await client.get(
        "/api/v1/contracts/PDD-MM-PRE-2026/scorecard.pdf", params={"period": "2026-10"}, headers=bearer(world["vendor"])
    )
    assert scorecard.status_code == 200 and scorecard.headers["content-type"] == "application/pdf"
    assert cjk_fonts(scorecard.content, tmp_path)
    assert "服务商考核表" in pdf_text(scorecard.content, tmp_path)
    comparison = await client.get(
        "/api/v1/shops/pdd-mengmeng/comparison.pdf", params={"period": "2026-10"}, headers=bearer(world["owner"])
    )
    assert comparison.status_code == 200 and cjk_fonts(comparison.content, tmp_path)
    run = await client.post("/api/v1/billing-runs", json={"period": "2026-10"}, headers=bearer(world["finance"]))
    draft_id = run.json()["invoice_ids"][0]
    draft = await client.get(f"/api/v1/invoices/{draft_id}/pdf", headers=bearer(world["finance"]))
    assert "草稿" in pdf_text(draft.content, tmp_path)
    summary = await client.get(
        "/api/v1/reports/summary.pdf", params={"period": "2026-10"}, headers=bearer(world["finance"])
    )
    assert summary.status_code == 200 and summary.headers["content-type"] == "application/pdf"
    assert "财务汇总" in pdf_text(summary.content, tmp_path)
    denied = await client.get(
        "/api/v1/reports/summary.pdf", params={"period": "2026-10"}, headers=bearer(world["owner"])
    )
    assert denied.status_code == 403
    hidden = await client.get(
        "/api/v1/contracts/PDD-JY-PRE-2026/scorecard.pdf", params={"period": "2026-10"}, headers=bearer(world["vendor"])
    )
    assert hidden.status_code == 404


async def test_costs_per_consultation_and_buyer_are_the_net_over_the_count_rounded_half_up(client, world) -> None:
    """The good month of tests/billing/test_billing_api.py, whose invoice is worked out there:
    net 14,370.00 over 3 × 31 × 150 = 13,950 consultations and 3 × 31 × 21 = 1,953 buyers."""
    from tests.billing.test_billing_api import MM, good_month

    await submit(client, world["admin"], good_month(MM))
    response = await client.get(
        "/api/v1/shops/pdd-mengmeng/comparison", params={"period": "2026-10"}, headers=bearer(world["owner"])
    )
    assert response.status_code == 200, response.text
    presale = next(v for v in response.json()["vendors"] if v["contract"] == "PDD-MM-PRE-2026")
    assert (presale["net"], presale["consultations"], presale["paid_buyers"]) == ("14370.00", 13950, 1953)
    # 14370 / 13950 = 1.030107… → 1.0301 (4 places)
    assert presale["cost_per_consultation"] == "1.0301"
    # 14370 / 1953 = 7.357910… → 7.36 (2 places; cutting off the digits would give 7.35)
    assert presale["cost_per_converted_buyer"] == "7.36"
