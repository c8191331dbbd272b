"""View models of the four PDF documents (SPEC section 6): plain data, no database, no rendering.

The billing services fill these from the database (or `vendor_ms.documents.build` fills them
from domain results); the renderer only formats and lays them out. Amounts are exact Decimals
(already rounded by the billing rules), metric values Decimals or None when undefined, and every
Struct is frozen and picklable, so views cross process boundaries (`documents.pool`) as they are.

Choices the SPEC leaves open:

* Scorecard per-account table, "worst first": accounts are ranked by their 3-minute reply rate
  (the platforms' own red-line metric), lowest first; accounts without consultations (rate
  undefined) come last; ties by account code. `ScorecardView.ranked_accounts` applies it, so
  the order does not depend on who built the view.
* Category benchmark (comparison): shown only when at least `BENCHMARK_MIN_SHOPS` (5) shops of
  the category contribute, otherwise `benchmark` is None and the document says why. The top-10%
  mean is the mean of the best ceil(10% × n) shops (at least one), "best" following each
  metric's direction (lower is better for response time and dispute refunds).
* Finance summary totals include every listed invoice whatever its status; a voided invoice and
  its credit note therefore cancel out, which is the period's true position.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal, get_args

import msgspec

from vendor_ms.domain.metrics import METRIC_NAMES, METRICS
from vendor_ms.domain.money import ZERO

DocumentKind = Literal["invoice", "scorecard", "comparison", "summary"]
DOCUMENT_KINDS: tuple[str, ...] = get_args(DocumentKind)
InvoiceStatus = Literal["draft", "issued", "paid", "void"]
InvoiceKind = Literal["invoice", "credit_note"]

RANKING_METRIC = "reply_rate_3min"
BENCHMARK_MIN_SHOPS = 5
BENCHMARK_HIDDEN_NOTE = "fewer than 5 shops in category — benchmark hidden（同类目店铺少于 5 家，不显示行业基准）"


class _View(msgspec.Struct, frozen=True, kw_only=True):
    pass


# ---------------------------------------------------------------------------------------------
# the scorecard, as printed on invoices and scorecards


class ScoreItemView(_View, frozen=True, kw_only=True):
    metric: str
    metric_zh: str
    value: Decimal | None  # None: undefined in the period, so not evaluated
    value_text: str
    bands_text: str
    red_line_text: str  # the item's red lines, as written in the contract
    points: int
    max_points: int
    breached: bool  # a red line applies
    breached_text: str = ""  # the red line that applies, e.g. "<85% 扣5%"
    penalty: Decimal = ZERO


class ScoreView(_View, frozen=True, kw_only=True):
    items: list[ScoreItemView]
    item_points: int
    incident_points: int
    score: int
    max_points: int
    ratio: Decimal | None  # None when max_points = 0
    pass_ratio: Decimal
    passed: bool


# ---------------------------------------------------------------------------------------------
# invoice (and credit note)


class InvoiceLineView(_View, frozen=True, kw_only=True):
    kind: str  # base | consultations | seats | commission | ... | adjustment (see domain.billing)
    description: str
    amount: Decimal  # signed: penalties are negative
    quantity: str | None = None
    unit_price: str | None = None


class AdjustmentView(_View, frozen=True, kw_only=True):
    """Late data for an earlier, issued period (SPEC 5.8)."""

    period: str
    invoice_number: str
    amount: Decimal
    recomputed_net: Decimal | None = None
    billed_net: Decimal | None = None


class InvoiceView(_View, frozen=True, kw_only=True):
    number: str | None  # None for a draft
    status: InvoiceStatus
    kind: InvoiceKind
    contract_code: str
    contract_title: str
    shop_name: str
    vendor_name: str
    period_label: str
    period_start: date
    period_end: date
    issue_date: date | None
    lines: list[InvoiceLineView]
    service_charges: Decimal
    bonus: Decimal
    penalties: Decimal  # positive, after the cap
    adjustments: Decimal
    net: Decimal  # the lines' sum: the subtotal before tax
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    total_in_capitals: str
    scorecard: ScoreView | None
    adjustments_detail: list[AdjustmentView] = msgspec.field(default_factory=list)
    inputs_sha256: str
    credit_note_for: str | None = None  # the voided invoice a credit note reverses
    void_reason: str | None = None
    shop_platform: str = ""
    currency: str = "CNY"

    @property
    def is_draft(self) -> bool:
        return self.status == "draft" or self.number is None


# ---------------------------------------------------------------------------------------------
# vendor scorecard


class DailySeries(_View, frozen=True, kw_only=True):
    """One metric day by day (the days of the period inside the contract's term, up to today),
    with the contract's target (first band) and every red line of the item."""

    metric: str
    metric_zh: str
    points: list[tuple[date, Decimal | None]]
    target: Decimal | None  # the first band's threshold
    red_lines: list[Decimal] = msgspec.field(default_factory=list)  # every red line's threshold, as written
    higher_is_better: bool


class AccountRow(_View, frozen=True, kw_only=True):
    account: str
    consultations: int
    values: dict[str, Decimal | None]  # every metric, None when undefined


class ScorecardView(_View, frozen=True, kw_only=True):
    contract_code: str
    contract_title: str
    shop_name: str
    vendor_name: str
    period_label: str
    period_start: date
    period_end: date
    score: ScoreView
    daily: list[DailySeries]
    accounts: list[AccountRow]
    invoice_number: str | None = None  # the invoice this scorecard priced, once issued

    @property
    def ranked_accounts(self) -> list[AccountRow]:
        return rank_worst_first(self.accounts)


def rank_worst_first(rows: Iterable[AccountRow]) -> list[AccountRow]:
    """Accounts by their 3-minute reply rate, lowest first; undefined rates last."""

    def key(row: AccountRow) -> tuple[bool, Decimal, str]:
        value = row.values.get(RANKING_METRIC)
        return (value is None, value if value is not None else ZERO, row.account)

    return sorted(rows, key=key)


# ---------------------------------------------------------------------------------------------
# vendor comparison


class TrendPoint(_View, frozen=True, kw_only=True):
    period_label: str
    score_ratio: Decimal | None
    metrics: dict[str, Decimal | None] = msgspec.field(default_factory=dict)  # key metrics


class VendorComparisonRow(_View, frozen=True, kw_only=True):
    vendor_name: str
    vendor_code: str
    contract_code: str
    metrics: dict[str, Decimal | None]  # every metric over the period
    score_ratio: Decimal | None
    consultations: int
    converted_buyers: int  # paid_buyers
    cost: Decimal  # what the period was billed (net)
    cost_per_consultation: Decimal | None
    cost_per_converted_buyer: Decimal | None
    trend: list[TrendPoint] = msgspec.field(default_factory=list)  # oldest first


class BenchmarkMetric(_View, frozen=True, kw_only=True):
    metric: str
    mean: Decimal | None
    top_decile_mean: Decimal | None  # mean of the best 10% of shops (at least one)
    shops: int  # shops in which the metric is defined


class Benchmark(_View, frozen=True, kw_only=True):
    category: str
    shops: int
    metrics: list[BenchmarkMetric]

    def get(self, metric: str) -> BenchmarkMetric | None:
        return next((m for m in self.metrics if m.metric == metric), None)


class ComparisonView(_View, frozen=True, kw_only=True):
    shop_code: str
    shop_name: str
    platform: str
    category: str
    period_label: str
    periods: list[str]  # the trend's periods, oldest first (the last is period_label)
    vendors: list[VendorComparisonRow]
    benchmark: Benchmark | None = None
    benchmark_shops: int = 0  # shops of the category with data, also when too few to show

    @property
    def benchmark_note(self) -> str:
        return BENCHMARK_HIDDEN_NOTE if self.benchmark is None else ""


def _mean(values: Sequence[Fraction]) -> Decimal:
    total = sum(values, Fraction(0)) / len(values)
    return Decimal(total.numerator) / Decimal(total.denominator)


def category_benchmark(
    category: str,
    per_shop: Mapping[str, Mapping[str, Fraction | Decimal | None]],
    min_shops: int = BENCHMARK_MIN_SHOPS,
) -> Benchmark | None:
    """The category's mean and top-10% mean per metric; None below `min_shops` shops.

    `per_shop` maps each shop of the category to its metric values over the period. A metric
    defined in fewer than `min_shops` shops is hidden too (mean None), so that no benchmark
    figure ever rests on fewer shops than the threshold.
    """
    shops = [values for values in per_shop.values() if any(v is not None for v in values.values())]
    if len(shops) < min_shops:
        return None
    metrics: list[BenchmarkMetric] = []
    for name in METRIC_NAMES:
        values = [Fraction(v) for shop in shops if (v := shop.get(name)) is not None]
        if len(values) < min_shops:
            metrics.append(BenchmarkMetric(metric=name, mean=None, top_decile_mean=None, shops=len(values)))
            continue
        best_first = sorted(values, reverse=METRICS[name].higher_is_better)
        top = best_first[: max(1, math.ceil(len(values) / 10))]
        metrics.append(BenchmarkMetric(metric=name, mean=_mean(values), top_decile_mean=_mean(top), shops=len(values)))
    return Benchmark(category=category, shops=len(shops), metrics=metrics)


# ---------------------------------------------------------------------------------------------
# finance summary


class SummaryInvoiceRow(_View, frozen=True, kw_only=True):
    number: str | None  # None for a draft
    contract_code: str
    shop_name: str
    vendor_name: str
    status: InvoiceStatus
    kind: InvoiceKind
    net: Decimal
    tax: Decimal
    total: Decimal


class TotalsRow(_View, frozen=True, kw_only=True):
    label: str
    invoices: int
    net: Decimal
    tax: Decimal
    total: Decimal


class SummaryAdjustmentRow(_View, frozen=True, kw_only=True):
    invoice_number: str | None  # the invoice carrying the adjustment (None: a draft)
    contract_code: str
    vendor_name: str
    period: str  # the earlier period it corrects
    original_invoice: str  # that period's issued invoice
    amount: Decimal


class SummaryView(_View, frozen=True, kw_only=True):
    period_label: str
    generated_on: date
    invoices: list[SummaryInvoiceRow]
    totals_by_vendor: list[TotalsRow]
    totals_by_shop: list[TotalsRow]
    totals_by_status: list[TotalsRow]  # drafts vs issued (and paid, void)
    grand_total: TotalsRow
    adjustments: list[SummaryAdjustmentRow] = msgspec.field(default_factory=list)


def _totals(label: str, rows: Sequence[SummaryInvoiceRow]) -> TotalsRow:
    return TotalsRow(
        label=label,
        invoices=len(rows),
        net=sum((r.net for r in rows), ZERO),
        tax=sum((r.tax for r in rows), ZERO),
        total=sum((r.total for r in rows), ZERO),
    )


def build_summary_view(
    period_label: str,
    invoices: Sequence[SummaryInvoiceRow],
    adjustments: Sequence[SummaryAdjustmentRow] = (),
    *,
    generated_on: date,
) -> SummaryView:
    """A summary with its totals by vendor, by shop and by status computed from the rows."""

    def grouped(key: str) -> list[TotalsRow]:
        groups: dict[str, list[SummaryInvoiceRow]] = {}
        for row in invoices:
            groups.setdefault(getattr(row, key), []).append(row)
        return [_totals(label, rows) for label, rows in sorted(groups.items())]

    status_order = {s: i for i, s in enumerate(get_args(InvoiceStatus))}
    by_status = sorted(grouped("status"), key=lambda t: status_order.get(t.label, 99))
    ordered = sorted(invoices, key=lambda r: (r.number is None, r.number or "", r.contract_code))
    return SummaryView(
        period_label=period_label,
        generated_on=generated_on,
        invoices=ordered,
        totals_by_vendor=grouped("vendor_name"),
        totals_by_shop=grouped("shop_name"),
        totals_by_status=by_status,
        grand_total=_totals("合计 total", invoices),
        adjustments=list(adjustments),
    )
