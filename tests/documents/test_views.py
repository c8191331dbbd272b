"""View models and their builders: pure data, no rendering."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal
from fractions import Fraction

import msgspec
import pytest

from vendor_ms.documents import formatting as fmt
from vendor_ms.documents.build import invoice_view
from vendor_ms.documents.samples import (
    PERIOD,
    sample_comparison,
    sample_contract,
    sample_invoice,
    sample_scorecard,
    sample_summary,
    sample_views,
)
from vendor_ms.documents.views import (
    AccountRow,
    ComparisonView,
    InvoiceView,
    ScorecardView,
    SummaryInvoiceRow,
    SummaryView,
    build_summary_view,
    category_benchmark,
    rank_worst_first,
)
from vendor_ms.domain.billing import compute_invoice
from vendor_ms.domain.capitals import capital_amount
from vendor_ms.domain.metrics import METRIC_NAMES, PerformanceTotals

D = Decimal


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("12345.6", "¥12,345.60"),
        ("0", "¥0.00"),
        ("-1000", "-¥1,000.00"),
        ("1234567.891", "¥1,234,567.89"),
    ],
)
def test_money_has_thousands_separators_and_two_decimals(amount: str, text: str) -> None:
    assert fmt.money(D(amount)) == text


def test_metric_texts() -> None:
    assert fmt.metric_text("reply_rate_3min", D("0.961234")) == "96.12%"
    assert fmt.metric_text("avg_response_seconds", D("18.44")) == "18.4 秒"
    assert fmt.metric_text("inquiry_conversion", None) == fmt.DASH
    doc = sample_contract()
    item = doc.scorecard.items[0]
    assert fmt.bands_text(item.metric, item.bands) == "≥95% → 40分；≥90% → 30分；≥85% → 15分"
    assert fmt.red_lines_text(item.metric, item.red_lines) == "<85% 扣5%；<80% 扣15%"


def test_views_pickle_and_encode() -> None:
    # views cross process boundaries (the render pool) and may be cached as msgpack/JSON
    for kind, view in sample_views().items():
        assert pickle.loads(pickle.dumps(view)) == view, kind  # noqa: S301 (our own bytes)
        encoded = msgspec.msgpack.encode(view)
        assert msgspec.msgpack.decode(encoded, type=type(view)) == view, kind


def test_invoice_view_from_a_computation() -> None:
    doc = sample_contract(1)
    totals = PerformanceTotals(
        consultations=12000,
        unanswered_3min=480,
        answered_30s=9000,
        response_seconds_total=D("250000"),
        responses=12000,
        inquiries=6000,
        paid_buyers=2200,
        sales_amount=D("300000.00"),
        orders=3000,
        dispute_refunds=20,
        seat_days=90,
        records=90,
    )
    computation = compute_invoice(doc, PERIOD, totals)
    assert computation is not None
    view = invoice_view(doc, computation, number=None, status="draft", issue_date=None, inputs_sha256="ab" * 32)
    assert view.is_draft
    assert view.total == computation.total
    assert view.total_in_capitals == capital_amount(computation.total)
    assert sum((line.amount for line in view.lines), D(0)) == view.net
    assert view.period_start == date(2026, 10, 1) and view.period_end == date(2026, 10, 31)
    assert view.scorecard is not None
    reply = view.scorecard.items[0]
    assert reply.metric_zh == "3分钟人工回复率"
    assert reply.value == D("0.96") and reply.value_text == "96.00%"
    assert reply.points == 40 and not reply.breached


@pytest.mark.parametrize(
    ("unanswered", "named"),
    [
        (2_160, "<85% 扣5%"),  # reply rate (12000 − 2160)/12000 = 0.82: below 85%, not below 80%
        (2_640, "<80% 扣15%"),  # 0.78: below both, the larger penalty applies and is the one named
        (1_800, ""),  # 0.85 exactly: not below 85%, nothing breached
    ],
)
def test_a_breached_red_line_is_named(unanswered: int, named: str) -> None:
    # sample_contract(1): reply rate red lines <85% 扣5% and <80% 扣15%; dispute refunds >3% 扣2%.
    doc = sample_contract(1)
    totals = PerformanceTotals(
        consultations=12000,
        unanswered_3min=unanswered,
        answered_30s=9000,
        response_seconds_total=D("250000"),
        responses=12000,
        inquiries=6000,
        paid_buyers=2200,
        sales_amount=D("300000.00"),
        orders=3000,
        dispute_refunds=150,  # 150/3000 = 5% > 3%: breached in every case
        seat_days=90,
        records=90,
    )
    computation = compute_invoice(doc, PERIOD, totals)
    assert computation is not None
    view = invoice_view(doc, computation, number=None, status="draft", issue_date=None, inputs_sha256="ab" * 32)
    assert view.scorecard is not None
    breaches = {item.metric: (item.breached, item.breached_text) for item in view.scorecard.items}
    assert breaches == {
        "reply_rate_3min": (bool(named), named),
        "avg_response_seconds": (False, ""),
        "inquiry_conversion": (False, ""),
        "dispute_refund_rate": (True, ">3% 扣2%"),
    }


def test_accounts_rank_worst_first_by_reply_rate() -> None:
    rows = [
        AccountRow(account="b", consultations=10, values={"reply_rate_3min": D("0.9")}),
        AccountRow(account="none", consultations=0, values={"reply_rate_3min": None}),
        AccountRow(account="a", consultations=10, values={"reply_rate_3min": D("0.9")}),
        AccountRow(account="worst", consultations=10, values={"reply_rate_3min": D("0.7")}),
    ]
    assert [r.account for r in rank_worst_first(rows)] == ["worst", "a", "b", "none"]


def _shops(n: int) -> dict[str, dict[str, Fraction | None]]:
    return {
        f"s{i}": {name: Fraction(i + 1, 100) for name in METRIC_NAMES}  # shop i: (i+1)% everywhere
        for i in range(n)
    }


def test_benchmark_needs_five_shops() -> None:
    assert category_benchmark("家居日用", _shops(4)) is None
    bench = category_benchmark("家居日用", _shops(5))
    assert bench is not None and bench.shops == 5


def test_benchmark_mean_and_top_decile_follow_each_metrics_direction() -> None:
    bench = category_benchmark("家居日用", _shops(20))  # values 1%..20%
    assert bench is not None
    reply = bench.get("reply_rate_3min")
    assert reply is not None and reply.mean == D("0.105")
    assert reply.top_decile_mean == D("0.195")  # the best 2 of 20: 20% and 19%
    refunds = bench.get("dispute_refund_rate")  # lower is better
    assert refunds is not None and refunds.top_decile_mean == D("0.015")  # 1% and 2%


def test_benchmark_hides_a_metric_defined_in_too_few_shops() -> None:
    shops = _shops(6)
    for values in list(shops.values())[:2]:
        values["satisfaction_rate"] = None
    bench = category_benchmark("家居日用", shops)
    assert bench is not None
    satisfaction = bench.get("satisfaction_rate")
    assert satisfaction is not None and satisfaction.mean is None and satisfaction.shops == 4


def test_summary_totals_by_vendor_shop_and_status() -> None:
    def row(number: str | None, shop: str, vendor: str, status: str, net: str) -> SummaryInvoiceRow:
        return SummaryInvoiceRow(
            number=number,
            contract_code="C",
            shop_name=shop,
            vendor_name=vendor,
            status=status,  # type: ignore[arg-type]
            kind="invoice",
            net=D(net),
            tax=D(net) * D("0.06"),
            total=D(net) * D("1.06"),
        )

    view = build_summary_view(
        "2026-10",
        [
            row("VMS-2026-000002", "店A", "云客", "issued", "100.00"),
            row(None, "店A", "心语", "draft", "50.00"),
            row("VMS-2026-000001", "店B", "云客", "paid", "200.00"),
        ],
        generated_on=date(2026, 11, 5),
    )
    assert [(t.label, t.invoices, t.net) for t in view.totals_by_vendor] == [
        ("云客", 2, D("300.00")),
        ("心语", 1, D("50.00")),
    ]
    assert [(t.label, t.net) for t in view.totals_by_shop] == [("店A", D("150.00")), ("店B", D("200.00"))]
    assert [t.label for t in view.totals_by_status] == ["draft", "issued", "paid"]
    assert view.grand_total.net == D("350.00") and view.grand_total.invoices == 3
    assert [r.number for r in view.invoices] == ["VMS-2026-000001", "VMS-2026-000002", None]


def test_samples_are_deterministic_and_of_the_right_types() -> None:
    assert sample_invoice(3) == sample_invoice(3)
    assert sample_invoice(3) != sample_invoice(4)
    assert isinstance(sample_invoice(0), InvoiceView)
    assert isinstance(sample_scorecard(), ScorecardView)
    assert isinstance(sample_comparison(), ComparisonView)
    assert isinstance(sample_summary(), SummaryView)


def test_a_stored_invoice_gives_the_same_view_as_its_computation() -> None:
    # what the billing service has: the stored row's amounts, lines, scorecard and inputs (JSON)
    from vendor_ms.documents.build import adjustments_from_inputs, invoice_view_from_record
    from vendor_ms.domain.billing import AdjustmentInput, inputs_sha256, inputs_snapshot

    doc = sample_contract(2)
    adjustment = AdjustmentInput(
        period="2026-09", invoice_number="VMS-2026-000007", recomputed_net=D("100.00"), billed_net=D("150.00")
    )
    computation = compute_invoice(doc, PERIOD, PerformanceTotals(consultations=500, seat_days=20), (), [adjustment])
    assert computation is not None
    inputs = msgspec.json.decode(msgspec.json.encode(inputs_snapshot("f" * 64, 3, computation, (), [adjustment])))
    stored = invoice_view_from_record(
        doc,
        number="VMS-2026-000099",
        status="issued",
        kind=computation.kind,  # type: ignore[arg-type]
        period=computation.period,
        lines=computation.lines,
        service_charges=computation.service_charges,
        bonus=computation.bonus,
        penalties=computation.penalties,
        adjustments=computation.adjustments,
        net=computation.net,
        tax=computation.tax,
        total=computation.total,
        scorecard=computation.scorecard,
        inputs_sha256=inputs_sha256(inputs),
        adjustments_detail=adjustments_from_inputs(inputs),
        issue_date=date(2026, 11, 3),
        void_reason="",
    )
    fresh = invoice_view(
        doc,
        computation,
        number="VMS-2026-000099",
        status="issued",
        issue_date=date(2026, 11, 3),
        inputs_sha256=inputs_sha256(inputs),
        adjustments=[adjustment],
    )
    assert stored == fresh
    assert stored.adjustments_detail[0].amount == D("-50.00")
    assert stored.void_reason is None
