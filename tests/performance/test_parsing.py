"""Parsing and validating daily-record batches (no database): JSON, CSV, every row's errors."""

from __future__ import annotations

import codecs
from datetime import date
from decimal import Decimal

import msgspec
import pytest

from tests.support import daily
from vendor_ms.domain.metrics import RECORD_FIELDS
from vendor_ms.domain.performance import parse_json
from vendor_ms.domain.performance_files import csv_header, parse_csv
from vendor_ms.domain.record_placement import AccountTerm, place_records
from vendor_ms.errors import MalformedInput, ValidationFailed
from vendor_ms.tabular import decode_csv_text


def body(*records: dict[str, object]) -> bytes:
    return msgspec.json.encode({"records": list(records)})


def problems(raw: bytes) -> list[tuple[int | None, str, str]]:
    parsed = parse_json(raw)
    return [(e.row, e.field, e.render("en")) for e in parsed.errors]


FULL = daily(
    "pdd-mm:yk01",
    "2026-03-01",
    consultations=1200,
    unanswered_3min=30,
    answered_30s=900,
    response_seconds_total="1234.567",
    responses=1000,
    inquiries=400,
    paid_buyers=150,
    sales_amount="12345.67",
    orders=140,
    dispute_refunds=2,
    surveys=80,
    satisfied=76,
)
FULL_UNITS = (1200, 30, 900, 1_234_567, 1000, 400, 150, 1_234_567, 140, 2, 80, 76)


def test_valid_json_becomes_exact_integers_in_storage_units() -> None:
    parsed = parse_json(body(FULL))
    assert parsed.errors == []
    assert parsed.keys == [("pdd-mm:yk01", date(2026, 3, 1))]
    assert parsed.rows == [1]
    # seconds in milliseconds, CNY in fen
    assert parsed.values == [FULL_UNITS]


def test_json_numbers_are_read_exactly_never_through_a_float() -> None:
    # 0.1 + 0.2 style numbers and a long amount: a float would change the last digits.
    raw = (
        b'{"records": [{"account": "a", "date": "2026-03-01", "consultations": 3, "unanswered_3min": 0,'
        b' "answered_30s": 0, "response_seconds_total": 0.3, "responses": 1, "inquiries": 0, "paid_buyers": 0,'
        b' "sales_amount": 9876543210.01, "orders": 0, "dispute_refunds": 0, "surveys": 0, "satisfied": 0}]}'
    )
    parsed = parse_json(raw)
    assert parsed.errors == []
    assert parsed.values[0][3] == 300
    assert parsed.values[0][7] == 987_654_321_001


def test_every_row_error_is_listed_with_row_field_and_reason() -> None:
    raw = body(
        FULL,
        daily("pdd-mm:yk01", "2026-03-02", consultations=-1),
        daily("pdd-mm:yk01", "2026-03-03", consultations=10, unanswered_3min=11, answered_30s=12),
        daily(
            "pdd-mm:yk01", "2026-03-04", inquiries=5, paid_buyers=6, orders=1, dispute_refunds=2, surveys=0, satisfied=1
        ),
        daily("pdd-mm:yk01", "2026-03-05", response_seconds_total="1.2345", sales_amount="0.001"),
        daily("pdd-mm:yk01", "2026-03-01"),
        daily("pdd-mm:yk01", "2026-02-30"),
    )
    assert problems(raw) == [
        (2, "consultations", "must not be negative, got -1"),
        (3, "unanswered_3min", "must not exceed consultations (11 > 10)"),
        (3, "answered_30s", "must not exceed consultations (12 > 10)"),
        (4, "paid_buyers", "must not exceed inquiries (6 > 5)"),
        (4, "dispute_refunds", "must not exceed orders (2 > 1)"),
        (4, "satisfied", "must not exceed surveys (1 > 0)"),
        (5, "response_seconds_total", "has more than 3 decimal places (1.2345)"),
        (5, "sales_amount", "has more than 2 decimal places (0.001)"),
        (6, "date", "account 'pdd-mm:yk01' on 2026-03-01 already appears in row 1 of this batch"),
        (7, "date", "must be a date (YYYY-MM-DD), got '2026-02-30'"),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consultations": "12"}, "consultations", "must be a whole number, got '12'"),
        ({"consultations": 12.5}, "consultations", "must be a whole number, got 12.5"),
        ({"consultations": 12.0}, "consultations", "must be a whole number, got 12.0"),
        ({"consultations": True}, "consultations", "must be a whole number, got true"),
        ({"consultations": None}, "consultations", "must not be null"),
        ({"consultations": 10**13}, "consultations", "is too large (at most 1000000000000)"),
        ({"sales_amount": "12,5"}, "sales_amount", "must be a decimal number or string such as \"12.5\", got '12,5'"),
        ({"sales_amount": "NaN"}, "sales_amount", "must be a finite decimal"),
        ({"sales_amount": "-1.00"}, "sales_amount", "must not be negative, got -1.00"),
        ({"sales_amount": [1]}, "sales_amount", 'must be a decimal number or string such as "12.5", got a list'),
        ({"response_seconds_total": "1e30"}, "response_seconds_total", "is too large (1e+30)"),
        ({"sales_amount": Decimal("1E+999999999")}, "sales_amount", "is too large (1e+999999999)"),
        ({"sales_amount": Decimal("1E-999999999")}, "sales_amount", "has more than 2 decimal places (1E-999999999)"),
        ({"account": 7}, "account", "must be a string (the account's code)"),
        ({"account": ""}, "account", "must not be empty"),
        ({"date": "01/03/2026"}, "date", "must be a date (YYYY-MM-DD), got '01/03/2026'"),
        ({"date": 20260301}, "date", "must be a date (YYYY-MM-DD), got 20260301"),
        ({"seconds": 1}, "seconds", "unknown field"),
    ],
)
def test_wrong_types_are_row_errors(changes: dict[str, object], field: str, message: str) -> None:
    assert problems(body(FULL, {**FULL, "date": "2026-03-02", **changes})) == [(2, field, message)]


def test_missing_field_and_non_object_rows() -> None:
    record = dict(FULL)
    del record["surveys"]
    assert problems(body(record, "not a record")) == [  # type: ignore[arg-type]
        (1, "surveys", "is required"),
        (2, "", "must be an object with the fields of a daily record"),
    ]


def test_batch_shape_errors() -> None:
    with pytest.raises(MalformedInput):
        parse_json(b'{"records": [')
    for raw, field in (
        (b"[]", ""),
        (b"{}", "records"),
        (b'{"records": {}}', "records"),
        (b'{"records": []}', "records"),
    ):
        with pytest.raises(ValidationFailed) as info:
            parse_json(raw)
        assert info.value.errors[0].field == field
    with pytest.raises(ValidationFailed) as info:
        parse_json(body(FULL, FULL), max_records=1)
    assert [(e.field, e.render("en")) for e in info.value.errors] == [
        ("records", "has 2 records; at most 1 are accepted per batch")
    ]


def test_the_batch_limit_is_100000_records() -> None:
    records = [daily("a", f"2026-03-{d:02d}") for d in range(1, 2)] * 100_001
    with pytest.raises(ValidationFailed) as info:
        parse_json(msgspec.json.encode({"records": records}))
    assert info.value.errors[0].render("en") == "has 100,001 records; at most 100,000 are accepted per batch"
    assert info.value.errors[0].render("zh") == "共 100,001 条记录；每批最多接受 100,000 条"


def test_at_most_1000_errors_are_listed_with_the_total() -> None:
    parsed = parse_json(body(*(daily("a", "2026-03-01", consultations=-1) for _ in range(1500))))
    with pytest.raises(ValidationFailed) as info:
        parsed.raise_errors()
    # 1,500 negatives and 1,499 duplicates of row 1
    assert info.value.error_count == 2999
    assert len(info.value.errors) == 1000
    assert info.value.errors[0].row == 1


# ---------------------------------------------------------------------------------------------
# CSV


def csv_text(header: list[str], *rows: list[str]) -> str:
    lines = [",".join(header), *(",".join(f'"{c}"' if "," in c else c for c in row) for row in rows)]
    return "\r\n".join(lines) + "\r\n"


ROW = [
    "pdd-mm:yk01",
    "2026-03-01",
    "1,200",
    "30",
    "900",
    "1,234.567",
    "1000",
    "400",
    "150",
    "12,345.67",
    "140",
    "2",
    "80",
    "76",
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_with_chinese_headers_in_every_supported_encoding(encoding: str) -> None:
    raw = csv_text(csv_header(chinese=True), ROW).encode(encoding)
    parsed = parse_csv(raw)
    assert parsed.errors == []
    assert parsed.values == [FULL_UNITS]
    assert parsed.rows == [2]  # the header is row 1


def test_csv_columns_in_any_order_english_headers_and_slash_dates() -> None:
    header = csv_header()
    order = list(reversed(range(len(header))))
    row = [*ROW]
    row[1] = "2026/3/1"
    raw = csv_text([header[i].upper() for i in order], [row[i] for i in order]).encode()
    parsed = parse_csv(raw)
    assert parsed.errors == []
    assert parsed.keys == [("pdd-mm:yk01", date(2026, 3, 1))]
    assert parsed.values == [FULL_UNITS]


def test_json_and_csv_of_the_same_records_have_the_same_content_hash() -> None:
    from_csv = parse_csv(csv_text(csv_header(chinese=True), ROW).encode("gbk"))
    from_json = parse_json(body(FULL))
    assert from_csv.content_sha256() == from_json.content_sha256()


def test_csv_errors_name_rows_as_the_spreadsheet_does() -> None:
    bad_separator = [*ROW[:1], "2026-03-05", "1,20", *ROW[3:]]
    negative = [*ROW[:1], "2026-03-02", "-5", *ROW[3:]]
    too_precise = [*ROW[:1], "2026-03-03", *ROW[2:5], "1.0001", *ROW[6:]]
    raw = (
        csv_text(csv_header(), ROW, bad_separator, negative, too_precise)
        + "\r\n"  # a blank line: skipped, but counted, like the spreadsheet's row 6
        + "pdd-mm:yk01,2026-03-04,1\r\n"
    ).encode()
    parsed = parse_csv(raw)
    assert [(e.row, e.field, e.render("en")) for e in parsed.errors] == [
        (3, "consultations", "must be a whole number, got '1,20'"),
        (4, "consultations", "must not be negative, got -5"),
        (5, "response_seconds_total", "has more than 3 decimal places (1.0001)"),
        (7, "", "has 3 cells; the header has 14 columns"),
    ]


def test_csv_header_problems_are_listed_together() -> None:
    header = [*csv_header()[:-1], "满意度", "咨询人数"]
    with pytest.raises(ValidationFailed) as info:
        parse_csv(csv_text(header, ROW).encode())
    # Each named as the file wrote it (the missing one by its Chinese header), all in one answer.
    assert [(e.row, e.field, e.render("en")) for e in info.value.errors] == [
        (1, "满意度", "unknown column (export profile: 标准（SPEC 3 表头）)"),
        (1, "咨询人数", "appears twice (columns 3 and 15)"),
        (1, "满意数", "missing column (header “满意数”, “satisfied”)"),
    ]
    assert [e.render("zh") for e in info.value.errors] == [
        "无法识别的列（导出模板：标准（SPEC 3 表头））",
        "列名重复（第 3 列和第 15 列）",
        "缺少此列（表头可写作 “满意数”、“satisfied”）",
    ]


def test_unquoted_thousands_separator_gets_a_hint() -> None:
    raw = (",".join(csv_header()) + "\n" + ",".join(ROW) + "\n").encode()
    parsed = parse_csv(raw)
    assert parsed.errors[0].render("en").endswith("(an unquoted thousands separator? quote such numbers)")


def test_undecodable_and_empty_csv() -> None:
    with pytest.raises(MalformedInput):
        decode_csv_text(b"\xff\xfe\xfd"[1:] + b"\x81\xff")
    with pytest.raises(ValidationFailed):
        parse_csv(b"\r\n\r\n")
    with pytest.raises(ValidationFailed) as info:
        parse_csv((",".join(csv_header()) + "\n").encode())
    assert info.value.errors[0].render("en") == "is empty: send at least one record"


def test_bom_is_detected() -> None:
    assert decode_csv_text(codecs.BOM_UTF8 + "客服账号".encode())[1] == "utf-8"
    assert decode_csv_text("客服账号".encode("gbk"))[1] == "gb18030"


# ---------------------------------------------------------------------------------------------
# placing records on bindings


def test_placement_checks_binding_and_contract_term() -> None:
    term = AccountTerm(7, 3, date(2026, 2, 1), date(2026, 2, 20), date(2026, 1, 1), date(2026, 12, 31))
    early = AccountTerm(8, 4, date(2025, 12, 1), None, date(2026, 1, 1), date(2026, 12, 31))
    keys = [
        ("a", date(2026, 2, 1)),
        ("a", date(2026, 2, 21)),
        ("b", date(2025, 12, 15)),
        ("b", date(2026, 1, 15)),
        ("x", date(2026, 2, 1)),
    ]
    today = {"Asia/Shanghai": date(2026, 11, 15)}
    placed, errors = place_records(keys, [1, 2, 3, 4, 5], {"a": [term], "b": [early]}, today)
    assert placed == [(7, 3), (8, 4)]
    assert [(e.row, e.field, e.render("en")) for e in errors] == [
        (2, "date", "2026-02-21 is outside the binding of account 'a' (2026-02-01 – 2026-02-20)"),
        (3, "date", "2025-12-15 is outside the contract term (2026-01-01 – 2026-12-31)"),
        (5, "account", "unknown account 'x'"),
    ]


def test_placement_refuses_days_after_today_in_the_contracts_timezone() -> None:
    shanghai = AccountTerm(7, 3, date(2026, 1, 1), None, date(2026, 1, 1), date(2026, 12, 31))
    honolulu = AccountTerm(8, 4, date(2026, 1, 1), None, date(2026, 1, 1), date(2026, 12, 31), "Pacific/Honolulu")
    # 2026-11-15 02:00 in Shanghai is still 2026-11-14 in Honolulu.
    today = {"Asia/Shanghai": date(2026, 11, 15), "Pacific/Honolulu": date(2026, 11, 14)}
    keys = [("a", date(2026, 11, 15)), ("a", date(2026, 11, 16)), ("b", date(2026, 11, 14)), ("b", date(2026, 11, 15))]
    placed, errors = place_records(keys, [2, 3, 4, 5], {"a": [shanghai], "b": [honolulu]}, today, date_field="日期")
    assert placed == [(7, 3), (8, 4)]
    assert [(e.row, e.field, e.render("en")) for e in errors] == [
        (
            3,
            "日期",
            "2026-11-16 is after today (2026-11-15 in Asia/Shanghai): performance data cannot be dated in the future",
        ),
        (
            5,
            "日期",
            "2026-11-15 is after today (2026-11-14 in Pacific/Honolulu): "
            "performance data cannot be dated in the future",
        ),
    ]
    assert (
        errors[0].render("zh") == "2026-11-16 晚于今天（Asia/Shanghai 时区的 2026-11-15）：不能提交未来日期的绩效数据"
    )


def test_record_fields_drive_the_request_schema() -> None:
    from vendor_ms.domain.performance import DailyRecordIn

    assert DailyRecordIn.__struct_fields__ == ("account", "date", *(f.name for f in RECORD_FIELDS))
    assert Decimal("1.5") == msgspec.json.decode(b'"1.5"', type=Decimal)
