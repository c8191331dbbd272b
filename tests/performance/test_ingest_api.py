"""Submitting daily records over HTTP: all-or-nothing, revisions, idempotency, scope, CSV, limits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import msgspec
import pytest

from tests.support import bearer, daily, import_examples
from vendor_ms.db.tables import AuditEvent, DailyRecord, DailyRecordRevision, IngestBatch
from vendor_ms.domain.performance_files import csv_header

DAILY = "/api/v1/performance/daily"
DAILY_CSV = "/api/v1/performance/daily.csv"


async def row_counts() -> tuple[int, int, int, int]:
    """(latest records, revisions, batches, audit events): what a rejected batch must not change."""
    return (
        await DailyRecord.count(),
        await DailyRecordRevision.count(),
        await IngestBatch.count(),
        await AuditEvent.count().where(AuditEvent.action == "performance.ingest"),
    )


EN = {"Accept-Language": "en"}


async def submit(client: httpx.AsyncClient, token: str, *records: dict[str, Any], key: str | None = None) -> Any:
    """POST records, asking for English messages (the default, Chinese, is tested on its own)."""
    headers = {**bearer(token), **EN, **({"Idempotency-Key": key} if key else {})}
    return await client.post(DAILY, json={"records": list(records)}, headers=headers)


@pytest.fixture
async def yunke(db, make_token) -> str:
    """The PDD-MM-PRE-2026 contract (vendor yunke, accounts yk01, yk02 from 2026-01-01, yk03 from 2026-06-01)."""
    await import_examples("pdd-mengmeng-presale", "pdd-jiayi-presale")
    return await make_token("vendor", vendor="yunke")


async def test_a_batch_is_written_exactly_and_audited(client, yunke) -> None:
    response = await submit(
        client,
        yunke,
        daily(
            "pdd-mm:yk01",
            "2026-03-01",
            consultations=1200,
            unanswered_3min=30,
            response_seconds_total="1234.567",
            responses=1000,
            sales_amount="12345.67",
        ),
        daily("pdd-mm:yk01", "2026-03-02", consultations=800),
        daily("pdd-mm:yk02", "2026-03-01", consultations=0),
    )
    assert response.status_code == 201, response.text
    assert response.json() == {"batch_id": 1, "inserted": 3, "revised": 0, "unchanged": 0}
    record = await DailyRecord.select().where(DailyRecord.day == date(2026, 3, 1)).order_by(DailyRecord.account).first()
    assert record is not None
    assert (record["revision"], record["batch"], record["consultations"], record["unanswered_3min"]) == (1, 1, 1200, 30)
    assert (record["response_ms_total"], record["responses"], record["sales_fen"]) == (1_234_567, 1000, 1_234_567)
    assert await row_counts() == (3, 3, 1, 1)
    batch = await IngestBatch.select().first()
    assert batch is not None
    assert (batch["submitter_name"], batch["source"], batch["records"], batch["inserted"]) == (
        "vendor-1",
        "vendor",
        3,
        3,
    )
    event = await AuditEvent.select().where(AuditEvent.action == "performance.ingest").first()
    assert event is not None
    assert (event["entity_ref"], event["shop_codes"], event["vendor_codes"]) == ("1", " pdd-mengmeng ", " yunke ")
    assert msgspec.json.decode(event["detail"])["days"] == ["2026-03-01", "2026-03-02"]


async def test_one_bad_row_rejects_the_whole_batch_with_every_error(client, yunke) -> None:
    await submit(client, yunke, daily("pdd-mm:yk01", "2026-03-01", consultations=10))
    before = await row_counts()
    good = [daily("pdd-mm:yk01", f"2026-04-{d:02d}", consultations=d) for d in range(1, 29)]
    response = await submit(
        client,
        yunke,
        *good,
        daily("pdd-mm:yk01", "2026-03-01", consultations=-3),
        daily("nope", "2026-03-01"),
        daily("pdd-mm:yk02", "2026-03-01", surveys=2, satisfied=3),
    )
    # An account the vendor cannot see is one row error among the others, in the same 422.
    assert response.status_code == 422
    problem = response.json()
    assert problem["error_count"] == 3
    assert [(e["row"], e["field"], e["message"]) for e in problem["errors"]] == [
        (29, "consultations", "must not be negative, got -3"),
        (30, "account", "unknown account 'nope'"),
        (31, "satisfied", "must not exceed surveys (3 > 2)"),
    ]
    assert await row_counts() == before
    # ... and the existing record is untouched.
    assert (await DailyRecord.select(DailyRecord.consultations).first()) == {"consultations": 10}


@pytest.mark.parametrize(
    ("record", "field", "message"),
    [
        (daily("pdd-mm:yk99", "2026-03-01"), "account", "unknown account 'pdd-mm:yk99'"),
        (
            daily("pdd-mm:yk03", "2026-05-31"),
            "date",
            "2026-05-31 is outside the binding of account 'pdd-mm:yk03' (2026-06-01 – open end)",
        ),
        (
            daily("pdd-mm:yk01", "2027-01-01"),
            "date",
            "2027-01-01 is outside the contract term (2026-01-01 – 2026-12-31)",
        ),
        (
            daily("pdd-mm:yk01", "2026-03-02", consultations=10, unanswered_3min=11),
            "unanswered_3min",
            "must not exceed consultations (11 > 10)",
        ),
        (daily("pdd-mm:yk01", "2026-03-02", inquiries=-1), "inquiries", "must not be negative, got -1"),
        (
            daily("pdd-mm:yk01", "2026-03-01"),
            "date",
            "account 'pdd-mm:yk01' on 2026-03-01 already appears in row 1 of this batch",
        ),
        (daily("pdd-mm:yk01", "2026-03-02", orders="7"), "orders", "must be a whole number, got '7'"),
        (
            daily("pdd-mm:yk01", "2026-03-02", sales_amount=True),
            "sales_amount",
            'must be a decimal number or string such as "12.5", got true',
        ),
        (
            daily("pdd-mm:yk01", "2026-03-02", response_seconds_total="1.2345"),
            "response_seconds_total",
            "has more than 3 decimal places (1.2345)",
        ),
        (daily("pdd-mm:yk01", "2026-3-2"), "date", "must be a date (YYYY-MM-DD), got '2026-3-2'"),
    ],
    ids=[
        "unknown-account",
        "outside-binding",
        "outside-term",
        "numerator-above-denominator",
        "negative",
        "duplicate-account-day",
        "string-for-int",
        "boolean-for-decimal",
        "too-many-decimals",
        "bad-date",
    ],
)
async def test_each_rule_rejects_the_batch(client, yunke, record: dict[str, Any], field: str, message: str) -> None:
    before = await row_counts()
    response = await submit(client, yunke, daily("pdd-mm:yk01", "2026-03-01", consultations=5), record)
    # An unknown account (it may exist for someone else) is a row error like any other: 422.
    assert response.status_code == 422, response.text
    assert [(e["row"], e["field"], e["message"]) for e in response.json()["errors"]] == [(2, field, message)]
    assert await row_counts() == before


async def test_resubmitting_stores_revisions_and_the_latest_counts(client, yunke, make_token) -> None:
    first = await submit(
        client,
        yunke,
        daily("pdd-mm:yk01", "2026-03-01", consultations=100, sales_amount="10.00"),
        daily("pdd-mm:yk01", "2026-03-02", consultations=200),
    )
    assert first.json() == {"batch_id": 1, "inserted": 2, "revised": 0, "unchanged": 0}
    second = await submit(
        client,
        yunke,
        daily("pdd-mm:yk01", "2026-03-01", consultations=110, sales_amount="10.5"),
        daily("pdd-mm:yk01", "2026-03-02", consultations=200),
        daily("pdd-mm:yk01", "2026-03-03", consultations=300),
    )
    assert second.status_code == 201
    assert second.json() == {"batch_id": 2, "inserted": 1, "revised": 1, "unchanged": 1}
    owner = await make_token("shop_owner", shops=["pdd-mengmeng"])
    third = await submit(client, owner, daily("pdd-mm:yk01", "2026-03-01", consultations=111))
    assert third.json() == {"batch_id": 3, "inserted": 0, "revised": 1, "unchanged": 0}
    assert await row_counts() == (3, 5, 3, 3)

    latest = await DailyRecord.select(DailyRecord.revision, DailyRecord.batch, DailyRecord.consultations).where(
        DailyRecord.day == date(2026, 3, 1)
    )
    assert latest == [{"revision": 3, "batch": 3, "consultations": 111}]

    response = await client.get("/api/v1/accounts/pdd-mm:yk01/daily/2026-03-01/revisions", headers=bearer(yunke))
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 3
    assert [
        (r["revision"], r["batch_id"], r["submitted_by"], r["source"], r["latest"], r["values"]["consultations"])
        for r in page["items"]
    ] == [
        (1, 1, "vendor-1", "vendor", False, 100),
        (2, 2, "vendor-1", "vendor", False, 110),
        (3, 3, "shop_owner-2", "platform_export", True, 111),
    ]
    assert [r["values"]["sales_amount"] for r in page["items"]] == ["10.00", "10.50", "0.00"]
    assert page["items"][0]["contract"] == "PDD-MM-PRE-2026"
    assert page["items"][0]["submitted_at"] <= page["items"][2]["submitted_at"]


async def test_the_same_idempotency_key_answers_the_first_answer(client, yunke) -> None:
    records = [daily("pdd-mm:yk01", "2026-03-01", consultations=100)]
    first = await submit(client, yunke, *records, key="batch-2026-03-01")
    assert first.status_code == 201
    # Meanwhile the account-day is revised, so the same body would now revise it again.
    await submit(client, yunke, daily("pdd-mm:yk01", "2026-03-01", consultations=90))
    before = await row_counts()
    again = await submit(client, yunke, *records, key="batch-2026-03-01")
    assert again.status_code == 200
    assert again.json() == first.json() == {"batch_id": 1, "inserted": 1, "revised": 0, "unchanged": 0}
    assert await row_counts() == before

    other = await submit(client, yunke, daily("pdd-mm:yk01", "2026-03-05"), key="batch-2026-03-01")
    assert other.status_code == 422
    assert other.json()["errors"] == [
        {
            "field": "Idempotency-Key",
            "message": "was already used for a different batch (batch 1); send new data under a new key",
            "code": "idempotency.reused",
        }
    ]
    bad = await submit(client, yunke, *records, key="x" * 201)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await row_counts() == before


async def test_identical_content_changes_nothing_the_second_time(client, yunke) -> None:
    records = [daily("pdd-mm:yk01", "2026-03-01", consultations=100), daily("pdd-mm:yk02", "2026-03-01")]
    first = await submit(client, yunke, *records)
    before = await row_counts()
    again = await submit(client, yunke, *records)
    assert again.status_code == 200
    assert again.json() == {"batch_id": first.json()["batch_id"], "inserted": 0, "revised": 0, "unchanged": 2}
    assert await row_counts() == before

    # Once one of its days has changed since, the same content is a new batch restoring it.
    await submit(client, yunke, daily("pdd-mm:yk01", "2026-03-01", consultations=99))
    restored = await submit(client, yunke, *records)
    assert restored.status_code == 201
    assert restored.json() == {"batch_id": 3, "inserted": 0, "revised": 1, "unchanged": 1}


async def test_scope_vendor_shop_owner_finance(client, yunke, make_token) -> None:
    sufu = await make_token("vendor", vendor="sufu")
    foreign = await submit(client, sufu, daily("pdd-mm:yk01", "2026-03-01"))
    missing = await submit(client, sufu, daily("pdd-mm:yk77", "2026-03-01"))
    # Another vendor's account reads exactly like one that does not exist: the same 422, the same
    # message, naming nothing of it.
    assert foreign.status_code == missing.status_code == 422
    assert foreign.json()["errors"][0]["message"] == "unknown account 'pdd-mm:yk01'"
    assert missing.json()["errors"][0]["message"] == "unknown account 'pdd-mm:yk77'"
    assert foreign.json()["errors"][0]["code"] == missing.json()["errors"][0]["code"] == "account.unknown"
    assert foreign.headers["content-language"] == "en"
    assert (await submit(client, sufu, daily("pdd-jy:sf01", "2026-03-01"))).status_code == 201

    other_owner = await make_token("shop_owner", shops=["pdd-jiayi"])
    assert (await submit(client, other_owner, daily("pdd-mm:yk01", "2026-03-01"))).status_code == 422
    finance = await make_token("finance")
    denied = await submit(client, finance, daily("pdd-mm:yk01", "2026-03-01"))
    assert denied.status_code == 403
    assert (await client.post(DAILY_CSV, content=b"x", headers=bearer(finance))).status_code == 403

    await submit(client, yunke, daily("pdd-mm:yk01", "2026-03-01"))
    url = "/api/v1/accounts/{}/daily/2026-03-01/revisions"
    hidden = await client.get(url.format("pdd-mm:yk01"), headers=bearer(sufu))
    absent = await client.get(url.format("pdd-mm:yk77"), headers=bearer(sufu))
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["detail"] == "no account 'pdd-mm:yk01'"
    assert (await client.get(url.format("pdd-mm:yk01"), headers=bearer(finance))).json()["total"] == 1
    assert (await client.get(url.format("pdd-mm:yk01"), headers=bearer(other_owner))).status_code == 404
    bad_date = await client.get("/api/v1/accounts/pdd-mm:yk01/daily/2026-13-01/revisions", headers=bearer(yunke))
    assert bad_date.status_code == 422


async def test_csv_upload_gbk_chinese_headers(client, yunke) -> None:
    rows = [
        [
            "pdd-mm:yk01",
            "2026/3/1",
            '"1,200"',
            "30",
            "900",
            '"1,234.5"',
            "1000",
            "400",
            "150",
            '"12,345.67"',
            "140",
            "2",
            "80",
            "76",
        ],
        ["pdd-mm:yk02", "2026-03-01", "5", "0", "5", "0", "5", "0", "0", "0", "0", "0", "0", "0"],
    ]
    text = ",".join(csv_header(chinese=True)) + "\r\n" + "".join(",".join(r) + "\r\n" for r in rows)
    headers = {**bearer(yunke), **EN, "Content-Type": "text/csv"}
    response = await client.post(DAILY_CSV, content=text.encode("gbk"), headers=headers)
    assert response.status_code == 201, response.text
    assert response.json() == {"batch_id": 1, "inserted": 2, "revised": 0, "unchanged": 0}
    stored = (
        await DailyRecord.select(DailyRecord.consultations, DailyRecord.response_ms_total, DailyRecord.sales_fen)
        .where(DailyRecord.day == date(2026, 3, 1))
        .order_by(DailyRecord.account)
    )
    assert stored[0] == {"consultations": 1200, "response_ms_total": 1_234_500, "sales_fen": 1_234_567}

    before = await row_counts()
    bad = text.replace("pdd-mm:yk02,2026-03-01,5,0", "pdd-mm:yk02,2026-03-02,5,6")
    response = await client.post(DAILY_CSV, content=bad.encode("utf-8-sig"), headers=headers)
    assert response.status_code == 422
    # the header is row 1, so the second record is row 3; the columns as the file wrote them
    assert response.json()["errors"] == [
        {
            "field": "3分钟未人工回复人数",
            "message": "must not exceed 咨询人数 (6 > 5)",
            "row": 3,
            "code": "value.exceeds",
        }
    ]
    assert await row_counts() == before


async def test_wrong_media_types_are_415(client, yunke) -> None:
    json_to_csv = await client.post(DAILY_CSV, json={"records": []}, headers=bearer(yunke))
    assert json_to_csv.status_code == 415
    csv_to_json = await client.post(DAILY, content=b"a,b", headers={**bearer(yunke), "Content-Type": "text/csv"})
    assert csv_to_json.status_code == 415
    assert "daily.csv" in csv_to_json.json()["detail"]
    broken = await client.post(
        DAILY, content=b'{"records": [', headers={**bearer(yunke), "Content-Type": "application/json"}
    )
    assert broken.status_code == 400


async def test_bodies_above_the_limit_are_refused_before_parsing(db, make_token) -> None:
    from vendor_ms.api.app import create_app
    from vendor_ms.settings import load_settings

    await import_examples("pdd-mengmeng-presale")
    token = await make_token("vendor", vendor="yunke")
    app = create_app(load_settings(database_url=db.url, max_body_bytes=4096), manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://vendor-ms.test") as small:
        records = [daily("pdd-mm:yk01", f"2026-03-{d:02d}") for d in range(1, 29)]
        response = await small.post(DAILY, json={"records": records}, headers=bearer(token))
        assert response.status_code == 413
        assert response.headers["content-type"].startswith("application/problem+json")
        # A declared Content-Length above the limit is refused without reading the body.
        declared = await small.post(
            DAILY,
            content=b"{}",
            headers={**bearer(token), "Content-Type": "application/json", "Content-Length": "99999"},
        )
        assert declared.status_code == 413
    assert await DailyRecord.count() == 0


async def test_openapi_documents_both_request_bodies(client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    json_body = schema["paths"]["/api/v1/performance/daily"]["post"]["requestBody"]["content"]
    assert json_body["application/json"]["schema"] == {"$ref": "#/components/schemas/DailyBatchIn"}
    record = schema["components"]["schemas"]["DailyRecordIn"]
    assert set(record["required"]) == {"account", "date", *csv_header()[2:]}
    csv_body = schema["paths"]["/api/v1/performance/daily.csv"]["post"]["requestBody"]["content"]
    assert "text/csv" in csv_body
    params = schema["paths"]["/api/v1/performance/daily"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in params)
    assert "/api/v1/contracts/{code}/metrics" in schema["paths"]
    assert "/api/v1/accounts/{code}/daily/{day}/revisions" in schema["paths"]


async def test_problems_are_chinese_by_default_and_english_when_asked(client, yunke) -> None:
    records = {"records": [daily("pdd-mm:yk01", "2026-03-01", surveys=2, satisfied=3), daily("nope", "2026-03-01")]}
    chinese = await client.post(DAILY, json=records, headers=bearer(yunke))
    assert chinese.status_code == 422
    assert chinese.headers["content-language"] == "zh-CN"
    problem = chinese.json()
    assert (problem["title"], problem["error_count"]) == ("校验未通过", 2)
    assert problem["detail"] == (
        "共 2 个问题：第 1 行：satisfied：不能大于“surveys”（3 > 2）；"
        "第 2 行：account：账号“nope”不存在，或不属于您可提交数据的合同"
    )
    english = await client.post(DAILY, json=records, headers={**bearer(yunke), "Accept-Language": "en-GB,en;q=0.8"})
    assert english.headers["content-language"] == "en"
    assert english.json()["title"] == "Validation failed"
    assert [e["message"] for e in english.json()["errors"]] == [
        "must not exceed surveys (3 > 2)",
        "unknown account 'nope'",
    ]
    # the same problems, the same codes, in either language
    assert [e["code"] for e in problem["errors"]] == [e["code"] for e in english.json()["errors"]]


async def test_data_dated_after_today_in_the_contracts_timezone_is_refused_per_row(client, yunke, fixed_clock) -> None:
    # The clock stands at 2026-11-15 10:00 in Shanghai, the contract's timezone.
    before = await row_counts()
    response = await submit(
        client,
        yunke,
        daily("pdd-mm:yk01", "2026-11-15", consultations=3),
        daily("pdd-mm:yk01", "2026-11-16", consultations=3),
        daily("pdd-mm:yk02", "2026-11-16", consultations=-1),
    )
    assert response.status_code == 422
    assert [(e["row"], e["field"], e["message"]) for e in response.json()["errors"]] == [
        (
            2,
            "date",
            "2026-11-16 is after today (2026-11-15 in Asia/Shanghai): performance data cannot be dated in the future",
        ),
        (3, "consultations", "must not be negative, got -1"),
        (
            3,
            "date",
            "2026-11-16 is after today (2026-11-15 in Asia/Shanghai): performance data cannot be dated in the future",
        ),
    ]
    assert await row_counts() == before
    fixed_clock.advance(timedelta(days=1))
    assert (await submit(client, yunke, daily("pdd-mm:yk01", "2026-11-16", consultations=3))).status_code == 201
