"""A corpus of hostile input against every write route (SPEC 8; issue item 4).

Truncated and deeply nested JSON, wrong types, NaN and Infinity, huge numbers, 10,000-digit
strings, negative counts, non-UTF-8 bytes, mixed CSV encodings, CSV cells starting with `=`,
`+`, `-`, `@`, wrong content types and oversized bodies: each gets its exact 4xx as a problem
document that names the problem, and no table gains or loses a row (the audit trail included).

Unparseable bodies are 400 (malformed input), parseable but wrong ones 422 listing the field,
a body of the wrong media type 415, an oversized one 413.
"""

from __future__ import annotations

import io
import re
import tomllib
from dataclasses import dataclass

import httpx
import msgspec
import pytest
from litestar.routes import HTTPRoute

from tests.security.world import build_world
from tests.support import CONTRACTS_DIR, bearer, daily
from vendor_ms.api.app import create_app
from vendor_ms.db.tables import TABLES
from vendor_ms.settings import load_settings

JSON = {"content-type": "application/json"}
CSV = {"content-type": "text/csv"}
MAX_BODY = 256 * 1024  # the app under test refuses bodies above this (413)

COUNTS = ("consultations", "unanswered_3min", "answered_30s", "responses", "inquiries", "paid_buyers", "orders")
CSV_HEADER = "account,date,consultations,unanswered_3min,answered_30s,response_seconds_total,responses,inquiries,"
CSV_HEADER += "paid_buyers,sales_amount,orders,dispute_refunds,surveys,satisfied"
ZH_HEADER = "客服账号,日期,咨询人数,3分钟未人工回复人数,30秒应答人数,人工响应总时长,人工响应次数,询单人数,"
ZH_HEADER += "询单最终付款人数,询单转化销售额,订单数,纠纷退款笔数,评价数,满意数"


def record(**overrides: object) -> dict[str, object]:
    base = daily("pdd-mm:yk01", "2026-10-20", consultations=100, responses=100, inquiries=10, paid_buyers=3)
    return {**base, **overrides}


def records(**overrides: object) -> bytes:
    return msgspec.json.encode({"records": [record(**overrides)]})


def csv_row(account: str = "pdd-mm:yk01", consultations: str = "100") -> str:
    return f"{account},2026-10-20,{consultations},0,0,0,100,10,3,0,0,0,0,0"


def contract(**overrides: object) -> bytes:
    text = (CONTRACTS_DIR / "pdd-mengmeng-presale.toml").read_text(encoding="utf-8")
    doc = msgspec.to_builtins(tomllib.loads(text))
    doc["code"] = "PDD-MM-NEW-2027"  # a new contract, so a valid body would create one
    return msgspec.json.encode({**doc, **overrides})


def workbook(*rows: list[object]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def nested(depth: int) -> bytes:
    return b'{"records": ' + b"[" * depth + b"]" * depth + b"}"


@dataclass(frozen=True)
class Hostile:
    name: str
    path: str
    body: bytes
    status: int
    says: str  # a fragment of the problem's detail (or of one listed error) naming the problem
    headers: dict[str, str] | None = None


DAILY, DAILY_CSV = "/api/v1/performance/daily", "/api/v1/performance/daily.csv"
DAILY_XLSX = "/api/v1/performance/daily.xlsx"
XLSX = {"content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MEDIA = {DAILY_CSV: CSV, DAILY_XLSX: XLSX}
VOID = "/api/v1/invoices/{invoice_id}/void"  # route templates without their converters
CORPUS = [
    # JSON that cannot be parsed: 400
    Hostile("truncated JSON", DAILY, records()[:-7], 400, "malformed JSON"),
    Hostile("truncated contract", "/api/v1/contracts", contract()[:100], 400, "malformed JSON"),
    Hostile("truncated incident", "/api/v1/incidents", b'{"contract": "PDD-MM-PRE-2026", "da', 400, "malformed JSON"),
    Hostile("truncated billing run", "/api/v1/billing-runs", b'{"period": "2026-', 400, "malformed JSON"),
    Hostile("truncated void", VOID, b'{"reason": "dup', 400, "malformed JSON"),
    Hostile("deeply nested JSON", DAILY, nested(100_000), 400, "malformed JSON"),
    Hostile("deeply nested contract", "/api/v1/contracts", b"[" * 50_000 + b"]" * 50_000, 400, "malformed JSON"),
    Hostile("NaN literal", DAILY, records(consultations="§").replace(b'"\xc2\xa7"', b"NaN"), 400, "malformed JSON"),
    Hostile("Infinity literal", "/api/v1/incidents", b'{"points": Infinity}', 400, "malformed JSON"),
    Hostile("non-UTF-8 JSON", DAILY, records(account="pdd-mm:\xff").replace(b"\xc3\xbf", b"\xff"), 400, "malformed"),
    Hostile("empty body", DAILY, b"", 400, "malformed JSON"),
    # parseable JSON with the wrong content: 422
    Hostile("records not a list", DAILY, b'{"records": "pdd-mm:yk01"}', 422, "records"),
    Hostile("a count as a string", DAILY, records(consultations="100"), 422, "consultations"),
    Hostile("a count as a float", DAILY, records(consultations=1.5), 422, "consultations"),
    Hostile("a negative count", DAILY, records(consultations=-1), 422, "consultations"),
    Hostile("a huge count", DAILY, records(consultations=10**30), 422, "consultations"),
    Hostile("an exponent count", DAILY, records(consultations="§").replace(b'"\xc2\xa7"', b"1e400"), 422, "consult"),
    Hostile("a 10,000-digit amount", DAILY, records(sales_amount="9" * 10_000), 422, "sales_amount"),
    Hostile(
        "a 10,000-digit number", DAILY, records(sales_amount="§").replace(b'"\xc2\xa7"', b"9" * 10_000), 422, "sales"
    ),
    Hostile("NaN as a string", DAILY, records(sales_amount="NaN"), 422, "sales_amount"),
    Hostile("Infinity as a string", DAILY, records(response_seconds_total="Infinity"), 422, "response_seconds_total"),
    Hostile("a formula as account", DAILY, records(account='=HYPERLINK("http://x")'), 422, "account"),
    Hostile("a date that is not", DAILY, records(date="2026-02-30"), 422, "date"),
    Hostile("contract: wrong types", "/api/v1/contracts", contract(starts_on=20260101, accounts="x"), 422, "starts_on"),
    Hostile("contract: NaN fee", "/api/v1/contracts", contract(tax_rate="NaN"), 422, "tax_rate"),
    Hostile("contract: 10,000 digits", "/api/v1/contracts", contract(tax_rate="0." + "1" * 10_000), 422, "tax_rate"),
    Hostile("contract: formula code", "/api/v1/contracts", contract(code="=1+2"), 422, "code"),
    Hostile(
        "incident: wrong types", "/api/v1/incidents", b'{"contract": 1, "date": true, "kind": []}', 422, "contract"
    ),
    Hostile(
        "incident: huge points",
        "/api/v1/incidents",
        b'{"contract": "PDD-MM-PRE-2026", "date": "2026-10-05", "kind": "praise", "points": 1' + b"0" * 400 + b"}",
        422,
        "points",
    ),
    Hostile(
        "incident: NaN penalty",
        "/api/v1/incidents",
        b'{"contract": "PDD-MM-PRE-2026", "date": "2026-10-05", "kind": "violation", "penalty_amount": "NaN"}',
        422,
        "penalty_amount",
    ),
    Hostile("billing run: a number", "/api/v1/billing-runs", b'{"period": 202610}', 422, "period"),
    Hostile(
        "billing run: 10,000 chars", "/api/v1/billing-runs", b'{"period": "' + b"9" * 10_000 + b'"}', 422, "period"
    ),
    Hostile("void: no reason", VOID, b'{"reason": ""}', 422, "reason"),
    Hostile("void: wrong type", VOID, b'{"reason": ["x"]}', 422, "reason"),
    # CSV
    Hostile("CSV: formula account", DAILY_CSV, f"{CSV_HEADER}\n{csv_row('=SUM(A1:A9)')}\n".encode(), 422, "account"),
    Hostile("CSV: @ account", DAILY_CSV, f"{CSV_HEADER}\n{csv_row('@SUM(A1)')}\n".encode(), 422, "account"),
    Hostile("CSV: + count", DAILY_CSV, f"{CSV_HEADER}\n{csv_row(consultations='+100')}\n".encode(), 422, "consult"),
    Hostile("CSV: - count", DAILY_CSV, f"{CSV_HEADER}\n{csv_row(consultations='-1+2')}\n".encode(), 422, "consult"),
    Hostile("CSV: = count", DAILY_CSV, f"{CSV_HEADER}\n{csv_row(consultations='=1+99')}\n".encode(), 422, "consult"),
    Hostile(
        "CSV: 10,000 digits", DAILY_CSV, f"{CSV_HEADER}\n{csv_row(consultations='9' * 10_000)}\n".encode(), 422, "consu"
    ),
    Hostile(
        "CSV: mixed encodings",  # a GBK header, then a row in UTF-8: decoded as GB18030, the row is garbage
        DAILY_CSV,
        ZH_HEADER.encode("gbk") + b"\n" + csv_row("pdd-mm:云客01").encode("utf-8") + b"\n",
        422,
        "account",
    ),
    Hostile("CSV: NUL bytes", DAILY_CSV, f"{CSV_HEADER}\n".encode() + b"pdd-mm:yk01\x00,\x00\n", 422, "row 2"),
    Hostile("CSV: header only", DAILY_CSV, f"{CSV_HEADER}\n".encode(), 422, "is empty"),
    # XLSX
    Hostile("XLSX: not a workbook", DAILY_XLSX, b"PK\x03\x04 not a zip archive", 400, "XLSX file cannot be read"),
    Hostile("XLSX: CSV bytes", DAILY_XLSX, f"{CSV_HEADER}\n{csv_row()}\n".encode(), 400, "XLSX file cannot be read"),
    Hostile(  # a formula is never evaluated: without a cached value its cell reads as empty
        "XLSX: formula account",
        DAILY_XLSX,
        workbook(CSV_HEADER.split(","), csv_row('=HYPERLINK("http://x")').split(",")),
        422,
        "account is empty",
    ),
    Hostile(
        "XLSX: @ account",
        DAILY_XLSX,
        workbook(CSV_HEADER.split(","), csv_row("@SUM(A1)").split(",")),
        422,
        "is not an account code",
    ),
    Hostile(
        "XLSX: text counts",
        DAILY_XLSX,
        workbook(CSV_HEADER.split(","), csv_row(consultations="一百").split(",")),
        422,
        "consultations",
    ),
    Hostile("XLSX: empty workbook", DAILY_XLSX, workbook(), 422, "no header row"),
    # the wrong media type, too large
    Hostile("CSV sent as JSON", DAILY, f"{CSV_HEADER}\n{csv_row()}\n".encode(), 415, "text/csv", CSV),
    Hostile("JSON sent as CSV", DAILY_CSV, records(), 415, "application/json", JSON),
    Hostile("too large", DAILY, b'{"records": [' + b" " * MAX_BODY + b"]}", 413, "too large"),
]


@pytest.fixture
async def hostile_world(db, fast_pdfs) -> tuple[httpx.AsyncClient, str, int]:
    world = await build_world()
    app = create_app(load_settings(database_url=db.url, max_body_bytes=MAX_BODY), manage_database=False)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://vendor-ms.test")
    return http, world.tokens["admin"], world.invoice["in"]


async def row_counts() -> dict[str, int]:
    return {table._meta.tablename: await table.count() for table in TABLES}


def body_routes() -> set[str]:
    """Path templates (converters dropped) of every /api/v1 handler that reads a request body:
    a `data` parameter (a decoded Struct) or `body` (the raw bytes), from the app's route table."""
    app = create_app(load_settings(database_url="sqlite:///unused.sqlite3"), manage_database=False)
    return {
        re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        for route in app.routes
        if isinstance(route, HTTPRoute) and route.path.startswith("/api/v1/")
        for handler in route.route_handlers
        if {"data", "body"} & set(handler.parsed_fn_signature.parameters)
    }


def test_the_corpus_covers_every_route_that_takes_a_body() -> None:
    routes = body_routes()
    assert DAILY in routes and VOID in routes  # the route table is read at all
    assert {case.path for case in CORPUS} == routes
    assert len({case.name for case in CORPUS}) == len(CORPUS)


async def test_hostile_input_gets_a_clear_4xx_and_writes_nothing(hostile_world) -> None:
    http, admin, issued = hostile_world
    before = await row_counts()
    wrong = []
    async with http:
        for case in CORPUS:
            # English: the fragments the corpus looks for are the English messages.
            media = MEDIA.get(case.path, JSON)
            headers = {**media, **(case.headers or {}), **bearer(admin), "Accept-Language": "en"}
            response = await http.post(case.path.format(invoice_id=issued), content=case.body, headers=headers)
            problem = response.json() if response.headers["content-type"] == "application/problem+json" else None
            named = problem is not None and case.says in problem["detail"] + " ".join(
                f"{e['field']} {e['message']}" for e in problem.get("errors", [])
            )
            if response.status_code != case.status or problem is None or not named:
                wrong.append(f"{case.name}: {response.status_code} {response.text[:300]}")
    assert wrong == []
    assert await row_counts() == before
