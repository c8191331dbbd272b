"""Response Structs of the vendor comparison."""

from __future__ import annotations

from decimal import Decimal

import msgspec


class TrendPoint(msgspec.Struct, kw_only=True):
    period: str
    score_ratio: str | None
    net: Decimal | None  # None when the contract had no active day in that period
    metrics: dict[str, str | None]


class VendorColumn(msgspec.Struct, kw_only=True):
    vendor: str
    vendor_name: str
    contract: str
    scope: str
    billing_cycle: str
    consultations: int
    paid_buyers: int
    metrics: dict[str, str | None]
    score: int
    max_points: int
    score_ratio: str | None
    net: Decimal
    cost_per_consultation: str | None  # net / consultations, 4 decimals
    cost_per_converted_buyer: str | None  # net / paid buyers, 2 decimals
    trend: list[TrendPoint]  # oldest first; the last is the period itself


class BenchmarkMetric(msgspec.Struct, kw_only=True):
    metric: str
    shops: int  # shops of the category in which the metric is defined
    mean: str | None
    top10_mean: str | None


class Benchmark(msgspec.Struct, kw_only=True):
    platform: str
    category: str
    shops: int
    metrics: list[BenchmarkMetric]


class ComparisonOut(msgspec.Struct, kw_only=True):
    shop: str
    shop_name: str
    platform: str
    category: str
    period: str
    periods: list[str]
    vendors: list[VendorColumn]
    benchmark: Benchmark | None
    benchmark_note: str | None
