"""Realistic sample views of the four documents, for tests, the PDF benchmark and template work.

Invoices and scorecards go through the real domain code (`parse_document`, `compute_invoice`,
`evaluate_scorecard`) on generated but plausible performance data, so a sample is a document the
product could print. Deterministic: the same arguments give the same views (seeded RNG, fixed
dates), hence the same PDFs.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from vendor_ms.documents.build import invoice_view, score_view
from vendor_ms.documents.views import (
    AccountRow,
    ComparisonView,
    DailySeries,
    InvoiceLineView,
    InvoiceStatus,
    InvoiceView,
    ScorecardView,
    SummaryAdjustmentRow,
    SummaryInvoiceRow,
    SummaryView,
    TrendPoint,
    VendorComparisonRow,
    build_summary_view,
    category_benchmark,
)
from vendor_ms.domain.billing import (
    AdjustmentInput,
    IncidentInput,
    compute_invoice,
    evaluate_scorecard,
    inputs_sha256,
    inputs_snapshot,
)
from vendor_ms.domain.capitals import capital_amount
from vendor_ms.domain.contract import ContractDocument, parse_document
from vendor_ms.domain.metrics import METRIC_NAMES, PerformanceTotals, decimal_text, metric_value
from vendor_ms.domain.money import round2
from vendor_ms.domain.periods import Period, month_period

PERIOD = month_period(2026, 10)
ISSUED_ON = date(2026, 11, 3)

_SHOPS = [
    ("pdd-mengmeng", "萌萌家居旗舰店", "pinduoduo"),
    ("tmall-yishang", "衣尚女装天猫旗舰店", "tmall"),
    ("dy-huayang", "花漾美妆抖音小店", "douyin"),
    ("ks-laoweidao", "老味道食品快手店", "kuaishou"),
]
_VENDORS = [
    ("yunke", "杭州云客信息服务有限公司"),
    ("xinyu", "苏州心语客服外包有限公司"),
    ("jieda", "合肥捷答网络科技有限公司"),
    ("zhixin", "成都知心电子商务服务有限公司"),
]


def sample_contract(index: int = 0) -> ContractDocument:
    """A pre-sale contract like SPEC section 4's, with shop and vendor varying by `index`."""
    shop_code, shop_name, platform = _SHOPS[index % len(_SHOPS)]
    vendor_code, vendor_name = _VENDORS[(index // len(_SHOPS)) % len(_VENDORS)]
    return parse_document(
        {
            "code": f"{platform[:3].upper()}-{shop_code.split('-')[1][:4].upper()}-{index:03d}-2026",
            "title": f"{shop_name} 售前客服外包（{vendor_name[:4]}）",
            "scope": "presale",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "tax_rate": "0.06",
            "shop": {"code": shop_code, "name": shop_name, "platform": platform, "category": "家居日用"},
            "vendor": {"code": vendor_code, "name": vendor_name},
            "accounts": [{"code": f"{shop_code}:{vendor_code}{n:02d}", "active_from": "2026-01-01"} for n in (1, 2, 3)],
            "pricing": {
                "base_fee": "3000.00",
                "seat_day_fee": "15.00",
                "commission_rate": "0.005",
                "consultation_tier_mode": "graduated",
                "consultation_tiers": [{"up_to": 10000, "unit_price": "0.80"}, {"unit_price": "0.60"}],
            },
            "scorecard": {
                "bonus_pool": "1000.00",
                "pass_ratio": "0.70",
                "items": [
                    {
                        "metric": "reply_rate_3min",
                        "bands": [
                            {"at_least": "0.95", "points": 40},
                            {"at_least": "0.90", "points": 30},
                            {"at_least": "0.85", "points": 15},
                        ],
                        "red_lines": [
                            {"below": "0.85", "penalty_rate": "0.05"},
                            {"below": "0.80", "penalty_rate": "0.15"},
                        ],
                    },
                    {
                        "metric": "avg_response_seconds",
                        "bands": [
                            {"at_most": "20", "points": 30},
                            {"at_most": "30", "points": 20},
                            {"at_most": "45", "points": 10},
                        ],
                    },
                    {
                        "metric": "inquiry_conversion",
                        "bands": [{"at_least": "0.35", "points": 30}, {"at_least": "0.30", "points": 20}],
                    },
                    {
                        "metric": "dispute_refund_rate",
                        "bands": [{"at_most": "0.01", "points": 10}],
                        "red_lines": [{"above": "0.03", "penalty_rate": "0.02"}],
                    },
                ],
            },
            "penalties": {"cap_rate": "0.20"},
        }
    )


def _day_totals(rng: random.Random, quality: float) -> PerformanceTotals:
    """One account-day; `quality` in [0, 1] moves every rate towards good."""
    consultations = rng.randint(120, 420)
    inquiries = int(consultations * rng.uniform(0.45, 0.7))
    orders = rng.randint(80, 260)
    responses = consultations * rng.randint(3, 6)
    surveys = int(consultations * rng.uniform(0.15, 0.3))
    return PerformanceTotals(
        consultations=consultations,
        unanswered_3min=int(consultations * max(0.0, rng.gauss(0.14 - 0.1 * quality, 0.025))),
        answered_30s=int(consultations * min(1.0, rng.gauss(0.7 + 0.2 * quality, 0.04))),
        response_seconds_total=Decimal(responses * rng.randint(14, 40 - int(14 * quality))),
        responses=responses,
        inquiries=inquiries,
        paid_buyers=int(inquiries * min(1.0, rng.gauss(0.28 + 0.1 * quality, 0.03))),
        sales_amount=Decimal(rng.randint(8_000, 30_000)) + Decimal(rng.randint(0, 99)) / 100,
        orders=orders,
        dispute_refunds=int(orders * max(0.0, rng.gauss(0.025 - 0.02 * quality, 0.006))),
        surveys=surveys,
        satisfied=int(surveys * min(1.0, rng.gauss(0.86 + 0.1 * quality, 0.02))),
        seat_days=1,
        records=1,
    )


def _month_of_days(
    seed: int, accounts: int, quality: float, period: Period = PERIOD
) -> dict[str, list[PerformanceTotals]]:
    rng = random.Random(seed)
    days = [period.start + timedelta(days=d) for d in range(period.days)]
    return {f"acc{a + 1:02d}": [_day_totals(rng, quality) for _ in days] for a in range(accounts)}


def _invoice_parts(index: int) -> tuple[ContractDocument, PerformanceTotals, float]:
    quality = (index * 37 % 10) / 10
    per_account = _month_of_days(1000 + index, 3, quality)
    totals = PerformanceTotals.sum(t for days in per_account.values() for t in days)
    return sample_contract(index), totals, quality


def sample_invoice(index: int = 0, *, status: InvoiceStatus = "issued", number: str | None = None) -> InvoiceView:
    """Invoice number `index` of a billing run: each index has other data, so other amounts."""
    doc, totals, quality = _invoice_parts(index)
    incidents = [
        IncidentInput(
            date=date(2026, 10, 12), kind="complaint", points=-5, penalty_amount=Decimal("200.00"), ref="INC-7"
        ),
        IncidentInput(date=date(2026, 10, 20), kind="praise", points=3, ref="INC-9"),
    ][: 2 if quality < 0.5 else 1]
    adjustments = (
        [
            AdjustmentInput(
                period="2026-09",
                invoice_number=f"VMS-2026-{index + 300:06d}",
                recomputed_net=Decimal("12873.40"),
                billed_net=Decimal("12655.90"),
            )
        ]
        if index % 3 == 0
        else []
    )
    computation = compute_invoice(doc, PERIOD, totals, incidents, adjustments)
    assert computation is not None
    snapshot = inputs_snapshot("0" * 64, 1, computation, incidents, adjustments)
    draft = status == "draft"
    return invoice_view(
        doc,
        computation,
        number=None if draft else (number or f"VMS-2026-{index + 42:06d}"),
        status=status,
        issue_date=None if draft else ISSUED_ON,
        inputs_sha256=inputs_sha256(snapshot),
        adjustments=adjustments,
    )


def sample_credit_note() -> InvoiceView:
    """The credit note that voiding invoice VMS-2026-000042 produces: every amount negated."""
    original = sample_invoice(0)
    return InvoiceView(
        number="VMS-2026-000118",
        status="issued",
        kind="credit_note",
        contract_code=original.contract_code,
        contract_title=original.contract_title,
        shop_name=original.shop_name,
        shop_platform=original.shop_platform,
        vendor_name=original.vendor_name,
        period_label=original.period_label,
        period_start=original.period_start,
        period_end=original.period_end,
        issue_date=date(2026, 11, 10),
        lines=[
            InvoiceLineView(
                kind=line.kind,
                description=f"冲销 reversal: {line.description}",
                amount=-line.amount,
                quantity=line.quantity,
                unit_price=line.unit_price,
            )
            for line in original.lines
        ],
        service_charges=-original.service_charges,
        bonus=-original.bonus,
        penalties=-original.penalties,
        adjustments=-original.adjustments,
        net=-original.net,
        tax_rate=original.tax_rate,
        tax=-original.tax,
        total=-original.total,
        total_in_capitals=capital_amount(-original.total),
        scorecard=None,
        inputs_sha256=original.inputs_sha256,
        credit_note_for=original.number,
        void_reason="合同主体信息有误，重新开具 wrong payer details, re-issued",
    )


def sample_scorecard(index: int = 0) -> ScorecardView:
    doc = sample_contract(index)
    per_account = _month_of_days(2000 + index, 6, 0.6)
    # one struggling account, so "worst first" has something to show
    rng = random.Random(99)
    per_account["acc04"] = [_day_totals(rng, 0.0) for _ in per_account["acc04"]]
    days = [PERIOD.start + timedelta(days=d) for d in range(PERIOD.days)]
    accounts = {f"{doc.accounts[0].code.split(':')[0]}:{name}": rows for name, rows in per_account.items()}
    totals = PerformanceTotals.sum(t for rows in accounts.values() for t in rows)
    result = evaluate_scorecard(doc.scorecard, totals, incident_points=-2)
    per_day = [PerformanceTotals.sum(rows[d] for rows in accounts.values()) for d in range(len(days))]
    # a day whose data has not arrived yet: a gap in the trend, not a zero
    per_day[len(days) - 1] = PerformanceTotals()

    def value(t: PerformanceTotals, metric: str) -> Decimal | None:
        text = decimal_text(metric_value(t, metric))
        return Decimal(text) if text is not None else None

    score = score_view(doc.scorecard, result)
    daily = [
        DailySeries(
            metric=item.metric,
            metric_zh=score.items[i].metric_zh,
            points=[(day, value(t, item.metric)) for day, t in zip(days, per_day, strict=True)],
            target=item.bands[0].threshold if item.bands else None,
            red_lines=[line.threshold for line in item.red_lines],
            higher_is_better=item.bands[0].at_least is not None if item.bands else True,
        )
        for i, item in enumerate(doc.scorecard.metric_items)
    ]
    rows = [
        AccountRow(
            account=code,
            consultations=(t := PerformanceTotals.sum(account_days)).consultations,
            values={name: value(t, name) for name in METRIC_NAMES},
        )
        for code, account_days in accounts.items()
    ]
    rows.append(AccountRow(account=f"{doc.shop.code}:spare01", consultations=0, values=dict.fromkeys(METRIC_NAMES)))
    return ScorecardView(
        contract_code=doc.code,
        contract_title=doc.title,
        shop_name=doc.shop.name,
        vendor_name=doc.vendor.name,
        period_label=PERIOD.label,
        period_start=PERIOD.start,
        period_end=PERIOD.end,
        score=score,
        daily=daily,
        accounts=rows,
        invoice_number="VMS-2026-000042",
    )


def _metrics_of(t: PerformanceTotals) -> dict[str, Decimal | None]:
    out: dict[str, Decimal | None] = {}
    for name in METRIC_NAMES:
        text = decimal_text(metric_value(t, name))
        out[name] = Decimal(text) if text is not None else None
    return out


def sample_comparison(*, with_benchmark: bool = True, periods: int = 6) -> ComparisonView:
    """Three vendors of one shop over the last `periods` months; the benchmark over six shops
    of the category (or, without it, three: too few to show)."""
    labels = []
    period = PERIOD
    for _ in range(periods):
        labels.append(period.label)
        period = period.previous()
    labels.reverse()
    rows: list[VendorComparisonRow] = []
    for v, (vendor_code, vendor_name) in enumerate(_VENDORS[:3]):
        doc = sample_contract(v * len(_SHOPS))
        quality = (0.8, 0.45, 0.2)[v]
        trend: list[TrendPoint] = []
        last: Any = None
        for p, label in enumerate(labels):
            year, month = (int(x) for x in label.split("-"))
            per = _month_of_days(3000 + 17 * v + p, 2, min(1.0, quality + 0.04 * p), month_period(year, month))
            totals = PerformanceTotals.sum(t for days in per.values() for t in days)
            computation = compute_invoice(doc, month_period(year, month), totals)
            assert computation is not None
            ratio = computation.scorecard.ratio
            metrics = _metrics_of(totals)
            trend.append(
                TrendPoint(
                    period_label=label,
                    score_ratio=Decimal(ratio) if ratio is not None else None,
                    metrics={k: metrics[k] for k in ("reply_rate_3min", "inquiry_conversion")},
                )
            )
            last = (totals, computation, metrics)
        totals, computation, metrics = last
        cost = computation.net
        rows.append(
            VendorComparisonRow(
                vendor_name=vendor_name,
                vendor_code=vendor_code,
                contract_code=doc.code,
                metrics=metrics,
                score_ratio=trend[-1].score_ratio,
                consultations=totals.consultations,
                converted_buyers=totals.paid_buyers,
                cost=cost,
                cost_per_consultation=round2(cost / totals.consultations) if totals.consultations else None,
                cost_per_converted_buyer=round2(cost / totals.paid_buyers) if totals.paid_buyers else None,
                trend=trend,
            )
        )
    shops = 6 if with_benchmark else 3
    per_shop = {
        f"shop{s}": _metrics_of(
            PerformanceTotals.sum(t for days in _month_of_days(4000 + s, 2, s / shops).values() for t in days)
        )
        for s in range(shops)
    }
    shop_code, shop_name, platform = _SHOPS[0]
    return ComparisonView(
        shop_code=shop_code,
        shop_name=shop_name,
        platform=platform,
        category="家居日用",
        period_label=PERIOD.label,
        periods=labels,
        vendors=rows,
        benchmark=category_benchmark("家居日用", per_shop),
        benchmark_shops=shops,
    )


def sample_summary(invoices: int = 12) -> SummaryView:
    rows: list[SummaryInvoiceRow] = []
    adjustments: list[SummaryAdjustmentRow] = []
    for i in range(invoices):
        status: InvoiceStatus = ("issued", "paid", "draft", "issued")[i % 4]
        view = sample_invoice(i, status=status)
        rows.append(
            SummaryInvoiceRow(
                number=view.number,
                contract_code=view.contract_code,
                shop_name=view.shop_name,
                vendor_name=view.vendor_name,
                status="void" if i == 0 else view.status,
                kind=view.kind,
                net=view.net,
                tax=view.tax,
                total=view.total,
            )
        )
        adjustments.extend(
            SummaryAdjustmentRow(
                invoice_number=view.number,
                contract_code=view.contract_code,
                vendor_name=view.vendor_name,
                period=a.period,
                original_invoice=a.invoice_number,
                amount=a.amount,
            )
            for a in view.adjustments_detail
        )
    credit = sample_credit_note()
    rows.append(
        SummaryInvoiceRow(
            number=credit.number,
            contract_code=credit.contract_code,
            shop_name=credit.shop_name,
            vendor_name=credit.vendor_name,
            status="issued",
            kind="credit_note",
            net=credit.net,
            tax=credit.tax,
            total=credit.total,
        )
    )
    return build_summary_view(PERIOD.label, rows, adjustments, generated_on=date(2026, 11, 5))


def sample_views() -> dict[str, Any]:
    """One view of each document kind: {"invoice": ..., "scorecard": ..., ...}."""
    return {
        "invoice": sample_invoice(0),
        "scorecard": sample_scorecard(0),
        "comparison": sample_comparison(),
        "summary": sample_summary(),
    }
