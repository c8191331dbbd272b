"""Performance counts and the metrics derived from them (SPEC section 3).

Vendors submit counts, never rates. A metric over any scope is the ratio of the sums of its
numerator and denominator, kept exact: as a `Fraction` (`metric_value`), or as the pair of
integers that billing compares in integers (`metric_ratio`); it is undefined (None) when the
denominator is 0. Thresholds are compared against these exact values, never against floats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

import msgspec


@dataclass(frozen=True, slots=True)
class RecordField:
    """One field of a daily record: JSON key, Chinese CSV header, type and its upper bound."""

    name: str
    zh: str
    kind: Literal["int", "decimal"]
    places: int = 0  # decimal places kept exactly (decimals only)
    not_above: str | None = None  # another field this one may not exceed


# The counted fields of a daily record, in the order of SPEC section 3.
RECORD_FIELDS: tuple[RecordField, ...] = (
    RecordField("consultations", "咨询人数", "int"),
    RecordField("unanswered_3min", "3分钟未人工回复人数", "int", not_above="consultations"),
    RecordField("answered_30s", "30秒应答人数", "int", not_above="consultations"),
    RecordField("response_seconds_total", "人工响应总时长", "decimal", places=3),
    RecordField("responses", "人工响应次数", "int"),
    RecordField("inquiries", "询单人数", "int"),
    RecordField("paid_buyers", "询单最终付款人数", "int", not_above="inquiries"),
    RecordField("sales_amount", "询单转化销售额", "decimal", places=2),
    RecordField("orders", "订单数", "int"),
    RecordField("dispute_refunds", "纠纷退款笔数", "int", not_above="orders"),
    RecordField("surveys", "评价数", "int"),
    RecordField("satisfied", "满意数", "int", not_above="surveys"),
)
COUNT_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in RECORD_FIELDS)


class PerformanceTotals(msgspec.Struct, frozen=True, kw_only=True):
    """Sums of every counted field over a scope (a contract and period, an account, a day)."""

    consultations: int = 0
    unanswered_3min: int = 0
    answered_30s: int = 0
    response_seconds_total: Decimal = Decimal(0)
    responses: int = 0
    inquiries: int = 0
    paid_buyers: int = 0
    sales_amount: Decimal = Decimal(0)
    orders: int = 0
    dispute_refunds: int = 0
    surveys: int = 0
    satisfied: int = 0
    # distinct (account, date) with consultations > 0: the seat-days of SPEC 5.3
    seat_days: int = 0
    records: int = 0

    @classmethod
    def sum(cls, parts: Iterable[PerformanceTotals]) -> PerformanceTotals:
        acc: dict[str, object] = {}
        for part in parts:
            for name in (*COUNT_FIELD_NAMES, "seat_days", "records"):
                acc[name] = acc.get(name, 0) + getattr(part, name)
        return cls(**acc)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class MetricSpec:
    name: str
    zh: str
    numerator: Callable[[PerformanceTotals], int | Decimal]
    denominator: Callable[[PerformanceTotals], int]
    higher_is_better: bool
    is_rate: bool  # a share in [0, 1]; otherwise a quantity (seconds)
    unit: str = ""


METRICS: Mapping[str, MetricSpec] = {
    m.name: m
    for m in (
        MetricSpec(
            "reply_rate_3min",
            "3分钟人工回复率",
            lambda t: t.consultations - t.unanswered_3min,
            lambda t: t.consultations,
            True,
            True,
        ),
        MetricSpec("answer_rate_30s", "30秒应答率", lambda t: t.answered_30s, lambda t: t.consultations, True, True),
        MetricSpec(
            "avg_response_seconds",
            "平均人工响应时长",
            lambda t: t.response_seconds_total,
            lambda t: t.responses,
            False,
            False,
            "s",
        ),
        MetricSpec("inquiry_conversion", "询单转化率", lambda t: t.paid_buyers, lambda t: t.inquiries, True, True),
        MetricSpec("satisfaction_rate", "满意率", lambda t: t.satisfied, lambda t: t.surveys, True, True),
        MetricSpec("dispute_refund_rate", "纠纷退款率", lambda t: t.dispute_refunds, lambda t: t.orders, False, True),
    )
}
METRIC_NAMES: tuple[str, ...] = tuple(METRICS)

# The names a contract document may give as an item's `metric`: built from METRICS, so adding a
# metric is one entry above. At run time it is a Literal (msgspec and the OpenAPI schema list
# the choices, and a wrong name is reported with them); mypy cannot read a computed Literal, so
# to the type checker it is a plain str.
if TYPE_CHECKING:
    MetricName = str
else:
    MetricName = Literal[METRIC_NAMES]


def metric_ratio(totals: PerformanceTotals, name: str) -> tuple[int, int] | None:
    """The exact value of one metric as integers (numerator, denominator > 0), unreduced;
    None when its denominator is 0. Billing compares these in integers, cheaper than Fractions."""
    spec = METRICS[name]
    denominator = spec.denominator(totals)
    if denominator == 0:
        return None
    numerator = spec.numerator(totals)
    if isinstance(numerator, int):
        return numerator, denominator
    n, d = numerator.as_integer_ratio()
    return n, d * denominator


def metric_value(totals: PerformanceTotals, name: str) -> Fraction | None:
    """The exact value of one metric over `totals`; None when its denominator is 0."""
    ratio = metric_ratio(totals, name)
    return None if ratio is None else Fraction(*ratio)


def metric_ratios(totals: PerformanceTotals) -> dict[str, tuple[int, int] | None]:
    return {name: metric_ratio(totals, name) for name in METRIC_NAMES}


def metric_values(totals: PerformanceTotals) -> dict[str, Fraction | None]:
    return {name: metric_value(totals, name) for name in METRIC_NAMES}


def decimal_text(value: Fraction | None, places: int = 6) -> str | None:
    """A metric as a decimal string with `places` decimals (half-up), or None when undefined."""
    return None if value is None else ratio_text((value.numerator, value.denominator), places)


def ratio_text(ratio: tuple[int, int] | None, places: int = 6) -> str | None:
    """`decimal_text` of a (numerator, denominator > 0) pair from `metric_ratio`: the same
    rounding as `round_ratio`, written straight from the integers (billing writes seven of
    these per invoice)."""
    if ratio is None:
        return None
    n, d = ratio
    scale = 10**places
    whole, part = divmod((2 * abs(n) * scale + d) // (2 * d), scale)
    sign = "-" if n < 0 and (whole or part) else ""
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"
