"""Vendor comparison (SPEC 6): every vendor of a shop on every metric, its score, its cost per
consultation and per converted buyer, the trend over the last N periods, and the category
benchmark.

Choices (documented in the README):

* Each contract of the shop is one column; a period is scored with the contract's own
  scorecard over the period's days (for a daily or weekly contract in a monthly comparison,
  the month is evaluated as one stretch), from the data as it is now.
* Cost is the period's net before adjustments and tax, computed from today's data.
* The benchmark groups shops of the same platform and category; each shop's metric is the
  ratio of its sums over the period. It is shown only when at least 5 shops contribute. Its
  mean is over those shops; its top-10% mean is the mean of the best ceil(10% × n) shops and
  is shown only when that group holds at least 5 shops (n ≥ 41): a smaller top group would
  print one shop's own figures (with 5 shops, "the best 10%" is a single shop).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from vendor_ms.access import policy
from vendor_ms.access.caller import Caller
from vendor_ms.billing.service import compute_period
from vendor_ms.comparison.schemas import Benchmark, BenchmarkMetric, ComparisonOut, TrendPoint, VendorColumn
from vendor_ms.db.engine import execute
from vendor_ms.db.tables import Contract, Shop
from vendor_ms.domain.metrics import METRIC_NAMES, METRICS, decimal_text, metric_values
from vendor_ms.domain.money import round_fraction
from vendor_ms.domain.periods import Period, parse_period
from vendor_ms.errors import FieldError, NotFound, ValidationFailed
from vendor_ms.performance.queries import STORAGE_COLUMNS, totals_from_row

MIN_SHOPS = 5
MAX_PERIODS = 24


async def compare_vendors(caller: Caller, shop_code: str, period_text: str, periods: int = 6) -> ComparisonOut:
    policy.COMPARE_VENDORS.require(caller)
    # A comparison is seen as its shop is.
    shop = await policy.SHOPS.restrict(Shop.select(), caller).where(Shop.code == shop_code).first()
    if shop is None:
        raise NotFound(f"no shop {shop_code!r}")
    try:
        period = parse_period(period_text)
    except ValueError as exc:
        raise ValidationFailed([FieldError("period", str(exc))]) from None
    if not 1 <= periods <= MAX_PERIODS:
        raise ValidationFailed([FieldError("periods", f"must be between 1 and {MAX_PERIODS}")])
    window = [period]
    while len(window) < periods:
        window.insert(0, window[0].previous())

    contracts = await Contract.select(
        Contract.id,
        Contract.code,
        Contract.scope,
        Contract.billing_cycle,
        Contract.vendor.code.as_alias("vendor"),
        Contract.vendor.name.as_alias("vendor_name"),
    ).where(Contract.shop == shop["id"], Contract.starts_on <= period.end, Contract.ends_on >= window[0].start)
    ids = [c["id"] for c in contracts]
    history = {p.label: await compute_period(p, ids) for p in window}
    columns = []
    for contract in sorted(contracts, key=lambda c: (c["vendor"], c["code"])):
        now = history[period.label].get(contract["id"])
        if now is None:
            continue  # no active day in the period itself
        c = now.computation
        trend = []
        for p in window:
            past = history[p.label].get(contract["id"])
            trend.append(
                TrendPoint(
                    period=p.label,
                    score_ratio=past.computation.scorecard.ratio if past else None,
                    net=past.computation.net_before_adjustments if past else None,
                    metrics=dict(past.computation.metrics) if past else dict.fromkeys(METRIC_NAMES),
                )
            )
        net = c.net_before_adjustments
        columns.append(
            VendorColumn(
                vendor=contract["vendor"],
                vendor_name=contract["vendor_name"],
                contract=contract["code"],
                scope=contract["scope"],
                billing_cycle=contract["billing_cycle"],
                consultations=c.totals.consultations,
                paid_buyers=c.totals.paid_buyers,
                metrics=dict(c.metrics),
                score=c.scorecard.score,
                max_points=c.scorecard.max_points,
                score_ratio=c.scorecard.ratio,
                net=net,
                cost_per_consultation=_per(net, c.totals.consultations, 4),
                cost_per_converted_buyer=_per(net, c.totals.paid_buyers, 2),
                trend=trend,
            )
        )
    benchmark, note = await _benchmark(shop["platform"], shop["category"], period)
    return ComparisonOut(
        shop=shop["code"],
        shop_name=shop["name"],
        platform=shop["platform"],
        category=shop["category"],
        period=period.label,
        periods=[p.label for p in window],
        vendors=columns,
        benchmark=benchmark,
        benchmark_note=note,
    )


def _per(amount: Decimal, count: int, places: int) -> str | None:
    return f"{round_fraction(Fraction(amount) / count, places):f}" if count else None


_SHOP_TOTALS_SQL = (
    "SELECT c.shop AS shop_id, "
    + ", ".join(f"SUM(r.{column}) AS {column}" for column in STORAGE_COLUMNS)
    + ", SUM(CASE WHEN r.consultations > 0 THEN 1 ELSE 0 END) AS seat_days, COUNT(*) AS records"
    " FROM daily_records r JOIN contracts c ON c.id = r.contract JOIN shops s ON s.id = c.shop"
    " WHERE s.platform = {} AND s.category = {} AND r.day >= {} AND r.day <= {}"
    " GROUP BY c.shop"
)


async def _benchmark(platform: str, category: str, period: Period) -> tuple[Benchmark | None, str | None]:
    """Per metric over the shops of the category: the mean of their values and the top-10% mean."""
    rows = await execute(_SHOP_TOTALS_SQL, platform, category, period.start, period.end)
    per_shop = [metric_values(totals_from_row(row)) for row in rows]
    contributing = [values for values in per_shop if any(v is not None for v in values.values())]
    if len(contributing) < MIN_SHOPS:
        return None, (
            f"benchmark hidden: {len(contributing)} shop(s) of {category} on {platform} have data in "
            f"{period.label}; at least {MIN_SHOPS} are needed so that no shop can be identified"
        )
    metrics = []
    for name in METRIC_NAMES:
        values: list[Fraction] = [v for shop in contributing if (v := shop[name]) is not None]
        mean = top = None
        if len(values) >= MIN_SHOPS:
            mean = decimal_text(sum(values, Fraction(0)) / len(values))
            best = sorted(values, reverse=METRICS[name].higher_is_better)[: math.ceil(len(values) / 10)]
            if len(best) >= MIN_SHOPS:
                top = decimal_text(sum(best, Fraction(0)) / len(best))
        metrics.append(BenchmarkMetric(metric=name, shops=len(values), mean=mean, top10_mean=top))
    return Benchmark(platform=platform, category=category, shops=len(contributing), metrics=metrics), None
