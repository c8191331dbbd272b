"""Metric values as exact integer ratios and their 6-decimal texts (SPEC 3), and the compiled
contract that billing keeps per version (`BillingPlan`)."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from vendor_ms.domain.billing import BillingPlan, compute_invoice
from vendor_ms.domain.contract import parse_toml
from vendor_ms.domain.metrics import (
    METRIC_NAMES,
    PerformanceTotals,
    decimal_text,
    metric_ratio,
    metric_value,
    ratio_text,
)
from vendor_ms.domain.money import round_ratio
from vendor_ms.domain.periods import parse_period

from .test_billing import SPEC_TOML


def test_metric_ratio_is_exact_and_unreduced() -> None:
    t = PerformanceTotals(
        consultations=12345, unanswered_3min=493, response_seconds_total=Decimal("798527.726"), responses=30494
    )
    # (12345 − 493) / 12345, as counted
    assert metric_ratio(t, "reply_rate_3min") == (11852, 12345)
    # 798527.726 s / 30494 responses: the seconds' three decimals go into the denominator
    n, d = metric_ratio(t, "avg_response_seconds")  # type: ignore[misc]
    assert Fraction(n, d) == Fraction(Decimal("798527.726")) / 30494
    assert metric_value(t, "avg_response_seconds") == Fraction(n, d)
    assert metric_ratio(t, "satisfaction_rate") is None  # no surveys: undefined, not 0


@pytest.mark.parametrize(
    ("ratio", "places", "text"),
    [
        ((11852, 12345), 6, "0.960065"),  # 0.96006480... rounds up at the 7th decimal
        ((1, 8), 2, "0.13"),  # 0.125: half up
        ((-1, 8), 2, "-0.13"),  # half away from zero, as ROUND_HALF_UP
        ((-1, 1000), 2, "0.00"),  # a negative that rounds to zero has no sign
        ((0, 7), 6, "0.000000"),
        ((5, 1), 0, "5"),
        ((26186388, 1000000), 6, "26.186388"),
    ],
)
def test_ratio_text(ratio: tuple[int, int], places: int, text: str) -> None:
    assert ratio_text(ratio, places) == text


def test_ratio_text_agrees_with_round_ratio_and_decimal_text() -> None:
    rng = random.Random(2026)
    for _ in range(20_000):
        n = rng.randint(-(10 ** rng.randint(0, 13)), 10 ** rng.randint(0, 13))
        d = rng.randint(1, 10 ** rng.randint(0, 13))
        places = rng.choice([0, 2, 6])
        expected = f"{round_ratio(n, d, places):f}"
        assert ratio_text((n, d), places) == expected, (n, d, places)
        assert decimal_text(Fraction(n, d), places) == expected


def test_every_metric_has_a_ratio() -> None:
    t = PerformanceTotals(
        consultations=10,
        answered_30s=9,
        response_seconds_total=Decimal("12.5"),
        responses=5,
        inquiries=4,
        paid_buyers=1,
        orders=3,
        dispute_refunds=1,
        surveys=2,
        satisfied=2,
    )
    texts = {name: ratio_text(metric_ratio(t, name)) for name in METRIC_NAMES}
    assert texts == {
        "reply_rate_3min": "1.000000",
        "answer_rate_30s": "0.900000",
        "avg_response_seconds": "2.500000",
        "inquiry_conversion": "0.250000",
        "satisfaction_rate": "1.000000",
        "dispute_refund_rate": "0.333333",
    }


def test_a_plan_is_only_used_for_its_own_document() -> None:
    doc = parse_toml(SPEC_TOML)
    cheaper = parse_toml(SPEC_TOML.replace('base_fee = "3000.00"', 'base_fee = "1000.00"'))
    october = parse_period("2026-10")
    totals = PerformanceTotals(consultations=100, seat_days=31, records=31)
    own = compute_invoice(doc, october, totals, plan=BillingPlan.of(doc))
    # A plan compiled from another document is ignored, never silently billed under.
    mismatched = compute_invoice(doc, october, totals, plan=BillingPlan.of(cheaper))
    assert own is not None and mismatched is not None
    assert own == mismatched == compute_invoice(doc, october, totals)
    assert own.lines[0].amount == Decimal("3000.00")
