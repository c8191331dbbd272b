"""Metrics of a contract: ratios of sums of the latest revisions, exact, grouped; the totals query."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.support import bearer, daily, import_examples, statements
from vendor_ms.db.tables import Contract
from vendor_ms.domain.metrics import PerformanceTotals
from vendor_ms.performance.queries import TotalsKey, contract_totals, sum_totals

METRICS = "/api/v1/contracts/PDD-MM-PRE-2026/metrics"


async def load(client, token: str) -> None:
    """Two days of two accounts; the first day of yk01 is revised afterwards."""
    batches = [
        [
            daily(
                "pdd-mm:yk01",
                "2026-03-01",
                consultations=50,
                unanswered_3min=1,
                answered_30s=40,
                response_seconds_total="500.5",
                responses=40,
                inquiries=10,
                paid_buyers=4,
                sales_amount="400.00",
                orders=4,
                surveys=10,
                satisfied=9,
            ),
            daily("pdd-mm:yk02", "2026-03-01", consultations=0),
            daily(
                "pdd-mm:yk01",
                "2026-03-02",
                consultations=300,
                unanswered_3min=45,
                answered_30s=150,
                response_seconds_total="3000.25",
                responses=100,
                inquiries=30,
                paid_buyers=9,
                sales_amount="899.99",
                orders=10,
                dispute_refunds=1,
            ),
        ],
        # The latest revision of yk01 on 03-01 is what counts.
        [
            daily(
                "pdd-mm:yk01",
                "2026-03-01",
                consultations=100,
                unanswered_3min=5,
                answered_30s=80,
                response_seconds_total="1000.75",
                responses=80,
                inquiries=20,
                paid_buyers=8,
                sales_amount="800.01",
                orders=8,
                surveys=10,
                satisfied=9,
            ),
            daily("pdd-mm:yk02", "2026-04-01", consultations=7),
        ],
    ]
    for records in batches:
        response = await client.post("/api/v1/performance/daily", json={"records": records}, headers=bearer(token))
        assert response.status_code == 201, response.text


async def test_total_metrics_are_ratios_of_sums_of_latest_revisions(client, make_token) -> None:
    await import_examples("pdd-mengmeng-presale")
    vendor = await make_token("vendor", vendor="yunke")
    await load(client, vendor)
    response = await client.get(METRICS, params={"from": "2026-03-01", "to": "2026-03-31"}, headers=bearer(vendor))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["contract"], body["from"], body["to"], body["group"]) == (
        "PDD-MM-PRE-2026",
        "2026-03-01",
        "2026-03-31",
        "total",
    )
    [row] = body["rows"]
    assert row["totals"] == {
        "consultations": 400,
        "unanswered_3min": 50,
        "answered_30s": 230,
        "response_seconds_total": "4001.000",
        "responses": 180,
        "inquiries": 50,
        "paid_buyers": 17,
        "sales_amount": "1700.00",
        "orders": 18,
        "dispute_refunds": 1,
        "surveys": 10,
        "satisfied": 9,
        "seat_days": 2,
        "records": 3,
    }
    # Daily rates 0.95 and 0.85 average to 0.90; the ratio of sums (400 - 50) / 400 is 0.875.
    assert row["metrics"] == {
        "reply_rate_3min": "0.875000",
        "answer_rate_30s": "0.575000",
        "avg_response_seconds": "22.227778",
        "inquiry_conversion": "0.340000",
        "satisfaction_rate": "0.900000",
        "dispute_refund_rate": "0.055556",
    }


async def test_grouped_by_day_and_account_and_undefined_metrics(client, make_token) -> None:
    await import_examples("pdd-mengmeng-presale")
    vendor = await make_token("vendor", vendor="yunke")
    await load(client, vendor)
    by_day = (await client.get(METRICS, params={"group": "day"}, headers=bearer(vendor))).json()
    # from/to default to the contract term
    assert (by_day["from"], by_day["to"]) == ("2026-01-01", "2026-12-31")
    assert [(r["day"], r["totals"]["consultations"], r["metrics"]["reply_rate_3min"]) for r in by_day["rows"]] == [
        ("2026-03-01", 100, "0.950000"),
        ("2026-03-02", 300, "0.850000"),
        ("2026-04-01", 7, "1.000000"),
    ]
    assert "account" not in by_day["rows"][0]
    # Undefined when the denominator is 0: no surveys on 03-02.
    assert by_day["rows"][1]["metrics"]["satisfaction_rate"] is None

    by_account = (await client.get(METRICS, params={"group": "account"}, headers=bearer(vendor))).json()
    assert [(r["account"], r["totals"]["records"], r["totals"]["seat_days"]) for r in by_account["rows"]] == [
        ("pdd-mm:yk01", 2, 2),
        ("pdd-mm:yk02", 2, 1),
    ]
    yk02 = by_account["rows"][1]["metrics"]
    assert yk02["avg_response_seconds"] is None
    assert yk02["reply_rate_3min"] == "1.000000"

    empty = (
        await client.get(METRICS, params={"from": "2026-05-01", "to": "2026-05-31"}, headers=bearer(vendor))
    ).json()
    assert empty["rows"][0]["totals"]["records"] == 0
    assert set(empty["rows"][0]["metrics"].values()) == {None}


async def test_metrics_scope_and_parameters(client, make_token) -> None:
    await import_examples("pdd-mengmeng-presale")
    assert (await client.get(METRICS, headers=bearer(await make_token("finance")))).status_code == 200
    assert (
        await client.get(METRICS, headers=bearer(await make_token("shop_owner", shops=["pdd-mengmeng"])))
    ).status_code == 200
    other = await make_token("vendor", vendor="sufu")
    hidden = await client.get(METRICS, headers=bearer(other))
    assert hidden.status_code == 404
    assert hidden.json()["detail"] == "no contract 'PDD-MM-PRE-2026'"
    admin = await make_token("admin")
    backwards = await client.get(METRICS, params={"from": "2026-03-02", "to": "2026-03-01"}, headers=bearer(admin))
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "to"
    # README: a request that parses but is wrong is a 422 naming the field.
    week = await client.get(METRICS, params={"group": "week"}, headers=bearer(admin))
    assert (week.status_code, [e["field"] for e in week.json()["errors"]]) == (422, ["group"])
    march = await client.get(METRICS, params={"from": "March"}, headers=bearer(admin))
    assert march.status_code == 422


async def test_sum_totals_is_one_query_for_many_contracts(client, make_token) -> None:
    await import_examples("pdd-mengmeng-presale", "pdd-jiayi-presale", "douyin-huayang-promo")
    await load(client, await make_token("vendor", vendor="yunke"))
    sufu = await make_token("vendor", vendor="sufu")
    response = await client.post(
        "/api/v1/performance/daily",
        json={"records": [daily("pdd-jy:sf01", "2026-03-05", consultations=9, sales_amount="0.01")]},
        headers=bearer(sufu),
    )
    assert response.status_code == 201
    ids = {r["code"]: r["id"] for r in await Contract.select(Contract.code, Contract.id)}
    mm, jy, dy = ids["PDD-MM-PRE-2026"], ids["PDD-JY-PRE-2026"], ids["DY-HY-PROMO-1111"]

    with statements() as sent:
        totals = await contract_totals([mm, jy, dy], date(2026, 3, 1), date(2026, 3, 31))
    assert len(sent) == 1, sent.sql  # one GROUP BY for the three contracts, not one per contract
    assert "GROUP BY" in sent.sql[0]
    assert list(totals) == sorted([mm, jy, dy])
    assert totals[mm].consultations == 400
    assert totals[mm].response_seconds_total == Decimal("4001.000")
    assert totals[jy] == PerformanceTotals(consultations=9, sales_amount=Decimal("0.01"), seat_days=1, records=1)
    assert totals[dy] == PerformanceTotals()

    with statements() as sent:
        by_day = await sum_totals([mm, jy], date(2026, 3, 1), date(2026, 3, 31), "day")
    assert len(sent) == 1, sent.sql
    assert list(by_day) == [
        TotalsKey(mm, day=date(2026, 3, 1)),
        TotalsKey(mm, day=date(2026, 3, 2)),
        TotalsKey(jy, day=date(2026, 3, 5)),
    ]
    by_account = await sum_totals([mm], date(2026, 1, 1), date(2026, 12, 31), "account")
    assert {key.account: value.consultations for key, value in by_account.items()} == {
        "pdd-mm:yk01": 400,
        "pdd-mm:yk02": 7,
    }
