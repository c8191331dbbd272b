"""Export profiles and rate columns, without a database: headers by name, the tolerance rule of
rate columns, formulas that match the metrics, cells as Excel shows them."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from vendor_ms.domain.export_profiles import (
    PROFILES,
    STANDARD,
    ShownRate,
    header_key,
    profile_for_platform,
    read_shown,
)
from vendor_ms.domain.metrics import METRICS, RECORD_FIELDS, PerformanceTotals, metric_value
from vendor_ms.domain.performance_files import FORMULAS, csv_header, parse_csv
from vendor_ms.tabular import cell_text


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_profile_reads_the_headers_of_spec_3(name: str) -> None:
    profile = PROFILES[name]
    for header in (*csv_header(), *csv_header(chinese=True)):
        column = profile.column(header)
        assert column is not None and column.target in ("account", "date", *(f.name for f in RECORD_FIELDS))


def test_headers_compare_without_width_spaces_units_or_case() -> None:
    assert header_key("  3分钟人工回复率（%） ") == ("3分钟人工回复率", True)
    assert header_key("平均响应(秒)") == ("平均响应", False)
    assert header_key("Consultations") == ("consultations", False)
    douyin = PROFILES["douyin"]
    per_buyer, per_round = douyin.column("3分钟人工回复率（人）"), douyin.column("3分钟人工回复率（会话）")
    assert per_buyer is not None and per_buyer.target == "reply_rate_3min"
    assert per_round is not None and per_round.target == ""  # recognised, never read: per round, not per buyer
    assert STANDARD.column("3分钟人工回复率（会话）") is None
    assert profile_for_platform("tmall") is PROFILES["taobao"] is PROFILES["tmall"]
    assert profile_for_platform("jd") is STANDARD


def test_formulas_are_the_metrics() -> None:
    totals = PerformanceTotals(
        consultations=500,
        unanswered_3min=24,
        answered_30s=410,
        response_seconds_total=Decimal("6021.5"),
        responses=617,
        inquiries=200,
        paid_buyers=81,
        orders=90,
        dispute_refunds=2,
        surveys=40,
        satisfied=37,
    )
    assert set(FORMULAS) == set(METRICS)
    for name, (terms, denominator) in FORMULAS.items():
        first, *rest = (Fraction(getattr(totals, t)) for t in terms)
        assert (first - sum(rest)) / getattr(totals, denominator) == metric_value(totals, name), name


@pytest.mark.parametrize(
    ("cell", "ratio", "agrees"),
    [
        ("95.20%", (476, 500), True),  # exactly 0.952
        ("95.2%", (476, 500), True),
        ("95%", (476, 500), True),  # shown with no decimals: 95% ± 1% holds 95.2%
        ("0.952", (476, 500), True),
        ("95.21%", (476, 500), False),  # one unit of its last place away: not within the rounding
        ("95.19%", (476, 500), False),
        ("66.67%", (2, 3), True),  # rounded half up
        ("66.66%", (2, 3), True),  # truncated
        ("66.65%", (2, 3), False),
        ("0.6666666666667", (2, 3), True),  # an XLSX number: 15 significant digits
        ("100%", (1, 1), True),
        ("100%", (999, 1000), True),
        ("100.00%", (999, 1000), False),
    ],
)
def test_a_rate_agrees_within_one_unit_of_its_last_shown_place(cell: str, ratio: tuple[int, int], agrees: bool) -> None:
    shown = read_shown(cell, "reply_rate_3min", False)
    assert isinstance(shown, ShownRate)
    assert shown.agrees(ratio) is agrees


def test_rate_cells_as_exports_write_them() -> None:
    assert read_shown("95.2", "reply_rate_3min", True) == ShownRate(Decimal("0.952"), 3, True)  # a (%) column
    assert read_shown("12.5秒", "avg_response_seconds", False) == ShownRate(Decimal("12.5"), 1, False)
    for blank in ("", "-", "--", "/", "N/A"):
        assert read_shown(blank, "reply_rate_3min", False) is None
    for bad in ("95.2", "abc", "-5%", "120%"):
        problem = read_shown(bad, "reply_rate_3min", False)
        assert not isinstance(problem, ShownRate) and problem is not None
        assert problem.render("en") == f"must be a rate such as 95.20% or 0.952, got {bad!r}"
    assert ShownRate(Decimal("0.9530"), 4, True).like((476, 500)) == "95.20%"
    assert ShownRate(Decimal("0.953"), 3, False).like((2, 3)) == "0.667"


def test_a_rate_is_not_checked_when_its_denominator_is_0_or_a_count_is_wrong() -> None:
    header = ",".join([*csv_header(chinese=True), "3分钟人工回复率", "满意率"])
    undefined = "a,2026-11-01,0,0,0,0,0,0,0,0,0,0,0,0,100.00%,0.00%"
    wrong_count = "a,2026-11-02,10,11,0,0,0,0,0,0,0,0,0,0,50%,-"
    parsed = parse_csv(f"{header}\n{undefined}\n{wrong_count}\n".encode())
    assert [(e.row, e.field, e.code) for e in parsed.errors] == [(3, "3分钟未人工回复人数", "value.exceeds")]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234.5600000000001, "1234.56"),
        (0.30000000000000004, "0.3"),
        (1200.0, "1200"),
        (7, "7"),
        (0.952, "0.952"),
        (2 / 3, "0.666666666666667"),
        ("  pdd-mm:yk01 ", "pdd-mm:yk01"),
        (None, ""),
    ],
)
def test_xlsx_cells_read_as_excel_shows_them(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_title_lines_and_summary_rows_of_an_export_are_skipped() -> None:
    header = ",".join(csv_header(chinese=True))
    body = f"客服绩效数据\n{header}\na,2026-11-01,5,0,5,0,5,0,0,0,0,0,0,0\n合计,,5,0,5,0,5,0,0,0,0,0,0,0\n"
    parsed = parse_csv(body.encode("gbk"))
    assert (parsed.errors, parsed.count, parsed.rows) == ([], 1, [3])
