"""The bonus is rounded once (SPEC 5.5): round2(bonus_pool × ratio × active_days / period_days).

Bug this catches: rounding twice, the ratio's share of the pool first and then the part-period
share of that (about 11% of random bonuses end up one fen off). The case is one where the two
differ: a ratio of 50/70 and 10 active days of 31.
"""

from __future__ import annotations

from decimal import Decimal

from tests.domain.test_billing import SPEC_TOML
from vendor_ms.domain.billing import compute_invoice
from vendor_ms.domain.contract import parse_toml
from vendor_ms.domain.metrics import PerformanceTotals
from vendor_ms.domain.periods import parse_period


def test_the_bonus_of_a_part_period_is_rounded_once() -> None:
    # The SPEC contract, starting on 22 October: 10 active days of October's 31.
    doc = parse_toml(SPEC_TOML.replace("starts_on = 2026-01-01", "starts_on = 2026-10-22"))
    totals = PerformanceTotals(
        consultations=1000,
        unanswered_3min=80,  # reply rate 0.92 ≥ 0.90 → 30 points (no red line: not below 0.85)
        response_seconds_total=Decimal(25000),
        responses=1000,  # 25 s on average ≤ 30 → 20 points
        inquiries=0,  # conversion undefined: not evaluated, max_points 40 + 30 = 70
        seat_days=10,
        records=10,
    )
    computation = compute_invoice(doc, parse_period("2026-10"), totals)
    assert computation is not None
    assert (computation.scorecard.score, computation.scorecard.max_points) == (50, 70)  # 0.714… ≥ 0.70
    # 1000.00 × 50/70 × 10/31 = 500000/2170 = 230.4147… → 230.41
    # (rounded twice: 1000.00 × 50/70 = 714.2857… → 714.29; × 10/31 = 230.4161… → 230.42)
    assert computation.bonus == Decimal("230.41")
    assert [(line.kind, line.amount) for line in computation.lines if line.kind == "bonus"] == [
        ("bonus", Decimal("230.41"))
    ]
