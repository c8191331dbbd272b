"""Billing to the fen (SPEC 5): hand-computed worked examples, each with its arithmetic written out.

Every example also checks the invariant that an invoice's lines sum exactly to its net.
Contract documents go through the real parser and validator (`parse_document`, `parse_toml`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from vendor_ms.domain.billing import (
    AdjustmentInput,
    BillingComputation,
    IncidentInput,
    InvoiceLine,
    ScorecardItemResult,
    apply_red_line_penalties,
    compute_invoice,
    evaluate_scorecard,
    inputs_sha256,
    inputs_snapshot,
)
from vendor_ms.domain.contract import ContractDocument, Scorecard, parse_document, parse_toml
from vendor_ms.domain.metrics import PerformanceTotals
from vendor_ms.domain.periods import Period, parse_period

D = Decimal

# The example of SPEC section 4, verbatim in its pricing and scorecard.
SPEC_TOML = """
code = "PDD-MM-PRE-2026"
title = "萌萌家居 拼多多售前客服外包"
scope = "presale"
starts_on = 2026-01-01
ends_on = 2026-12-31
timezone = "Asia/Shanghai"
service_hours = { from = "08:00", to = "23:00" }
currency = "CNY"
tax_rate = "0.06"
billing_cycle = "monthly"

[shop]
code = "pdd-mengmeng"
name = "萌萌家居旗舰店"
platform = "pinduoduo"
category = "家居日用"

[vendor]
code = "yunke"
name = "杭州云客信息服务有限公司"

[[accounts]]
code = "pdd-mm:yk01"
active_from = 2026-01-01

[pricing]
base_fee = "3000.00"
seat_day_fee = "0.00"
minimum_fee = "0.00"
commission_rate = "0.00"
consultation_tier_mode = "graduated"
consultation_tiers = [ { up_to = 10000, unit_price = "0.80" }, { unit_price = "0.60" } ]

[scorecard]
bonus_pool = "1000.00"
pass_ratio = "0.70"

[[scorecard.items]]
metric = "reply_rate_3min"
bands = [
  { at_least = "0.95", points = 40 }, { at_least = "0.90", points = 30 }, { at_least = "0.85", points = 15 },
]
red_lines = [ { below = "0.85", penalty_rate = "0.05" }, { below = "0.80", penalty_rate = "0.15" } ]

[[scorecard.items]]
metric = "avg_response_seconds"
bands = [ { at_most = "20", points = 30 }, { at_most = "30", points = 20 }, { at_most = "45", points = 10 } ]

[[scorecard.items]]
metric = "inquiry_conversion"
bands = [ { at_least = "0.35", points = 30 }, { at_least = "0.30", points = 20 } ]

[penalties]
cap_rate = "0.20"
"""

SPEC_DOC = parse_toml(SPEC_TOML)

BASE: dict[str, Any] = {
    "code": "T-1",
    "title": "测试合同 test contract",
    "scope": "presale",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
    "tax_rate": "0",
    "shop": {"code": "shop-1", "name": "测试店", "platform": "pinduoduo", "category": "家居日用"},
    "vendor": {"code": "vendor-1", "name": "测试服务商"},
}

REPLY_ITEM: dict[str, Any] = {
    "metric": "reply_rate_3min",
    "bands": [{"at_least": "0.95", "points": 40}, {"at_least": "0.90", "points": 30}],
}


def contract(
    pricing: dict[str, Any] | None = None,
    scorecard: dict[str, Any] | None = None,
    **fields: Any,
) -> ContractDocument:
    """A contract built from the small template above, through the real validator."""
    data = copy.deepcopy(BASE)
    data.update(fields)
    if pricing is not None:
        data["pricing"] = pricing
    if scorecard is not None:
        data["scorecard"] = scorecard
    return parse_document(data)


def totals(**counts: Any) -> PerformanceTotals:
    return msgspec.convert(counts, PerformanceTotals)


def reply(consultations: int, replied: int, **more: Any) -> PerformanceTotals:
    """Totals whose 3-minute reply rate is replied / consultations."""
    return totals(consultations=consultations, unanswered_3min=consultations - replied, **more)


OCT = parse_period("2026-10")  # 31 days


def lines_of(comp: BillingComputation) -> list[tuple[str, Decimal]]:
    return [(line.kind, line.amount) for line in comp.lines]


def check_invariants(comp: BillingComputation) -> None:
    """The lines sum to the net; every amount is exact to the fen; the pieces add up."""
    assert sum((line.amount for line in comp.lines), D(0)) == comp.net
    for amount in (
        comp.service_charges,
        comp.bonus,
        comp.penalties,
        comp.net,
        comp.tax,
        comp.total,
        *(line.amount for line in comp.lines),
    ):
        assert amount == amount.quantize(D("0.01")), amount
        assert amount.as_tuple().exponent == -2, amount  # carried with two places, e.g. 0.00
    assert all(line.amount != 0 for line in comp.lines)
    service_kinds = {"base", "consultations", "seats", "commission", "minimum_top_up"}
    assert sum((line.amount for line in comp.lines if line.kind in service_kinds), D(0)) == (comp.service_charges)
    assert comp.total == comp.net + comp.tax
    assert comp.net == comp.net_before_adjustments + comp.adjustments
    assert comp.penalties <= comp.penalties_uncapped
    assert comp.kind == ("credit_note" if comp.total < 0 else "invoice")


# ---------------------------------------------------------------------------------------------
# worked examples


@dataclass
class Example:
    name: str
    arithmetic: str
    doc: ContractDocument
    period: Period
    totals: PerformanceTotals
    lines: list[tuple[str, str]]
    summary: tuple[str, str, str, str, str, str]  # service_charges, bonus, penalties, net, tax, total
    incidents: list[IncidentInput] = field(default_factory=list)
    adjustments: list[AdjustmentInput] = field(default_factory=list)
    score: tuple[int, int] | None = None  # (score, max_points)
    kind: str = "invoice"


SPEC_PRICING = {
    "base_fee": "3000.00",
    "consultation_tier_mode": "graduated",
    "consultation_tiers": [{"up_to": 10000, "unit_price": "0.80"}, {"unit_price": "0.60"}],
}
RED_LINE_SCORECARD = {
    "bonus_pool": "1000.00",
    "pass_ratio": "0.70",
    "items": [
        {
            "metric": "reply_rate_3min",
            "bands": [{"at_least": "0.90", "points": 40}],
            # written out of rate order on purpose: the largest rate applies, not the first
            "red_lines": [
                {"below": "0.85", "penalty_rate": "0.05"},
                {"below": "0.80", "penalty_rate": "0.15"},
                {"below": "0.95", "penalty_rate": "0.02"},
            ],
        },
        {
            "metric": "dispute_refund_rate",
            "red_lines": [{"above": "0.01", "penalty_rate": "0.03"}],
        },
    ],
}
# reply rate 78/100 = 0.78 breaches all three reply red lines; dispute rate 20/1000 = 0.02 > 0.01
RED_LINE_TOTALS = reply(100, 78, orders=1000, dispute_refunds=20)

EXAMPLES = [
    Example(
        name="spec contract, full month",
        arithmetic="""
        base 3000.00 × 31/31 = 3000.00
        tier 1: 10000 × 0.80 = 8000.00; tier 2: (12345 − 10000) = 2345 × 0.60 = 1407.00
        service charges 3000.00 + 8000.00 + 1407.00 = 12407.00
        reply 11852/12345 = 0.96007… ≥ 0.95 → 40; avg 222210/12345 = 18 s ≤ 20 → 30;
        conversion 1600/5000 = 0.32 ≥ 0.30 → 20; score 90/100 = 0.90 ≥ 0.70
        bonus 1000.00 × 90/100 × 31/31 = 900.00; no red line (0.96 ≥ 0.85)
        net 12407.00 + 900.00 = 13307.00; tax 13307.00 × 0.06 = 798.42; total 14105.42
        """,
        doc=SPEC_DOC,
        period=OCT,
        totals=reply(
            12345,
            11852,
            response_seconds_total=D("222210"),
            responses=12345,
            inquiries=5000,
            paid_buyers=1600,
        ),
        lines=[
            ("base", "3000.00"),
            ("consultations", "8000.00"),
            ("consultations", "1407.00"),
            ("bonus", "900.00"),
        ],
        summary=("12407.00", "900.00", "0.00", "13307.00", "798.42", "14105.42"),
        score=(90, 100),
    ),
    Example(
        name="partial first month, minimum top-up",
        arithmetic="""
        contract starts 2026-03-15: March has 31 days, 17 of them active
        base 3000.00 × 17/31 = 1645.1612… → 1645.16
        minimum m = 5000.00 × 17/31 = 2741.9354… → 2741.94 > 1645.16
        top-up 2741.94 − 1645.16 = 1096.78; service charges 2741.94
        reply 100/100 = 1 → 10 of 10; bonus 1000.00 × 1 × 17/31 = 548.3870… → 548.39
        net 2741.94 + 548.39 = 3290.33; tax 3290.33 × 0.06 = 197.4198 → 197.42; total 3487.75
        """,
        doc=contract(
            starts_on="2026-03-15",
            tax_rate="0.06",
            pricing={"base_fee": "3000.00", "minimum_fee": "5000.00"},
            scorecard={
                "bonus_pool": "1000.00",
                "pass_ratio": "0.70",
                "items": [{"metric": "reply_rate_3min", "bands": [{"at_least": "0.9", "points": 10}]}],
            },
        ),
        period=parse_period("2026-03"),
        totals=reply(100, 100),
        lines=[("base", "1645.16"), ("minimum_top_up", "1096.78"), ("bonus", "548.39")],
        summary=("2741.94", "548.39", "0.00", "3290.33", "197.42", "3487.75"),
        score=(10, 10),
    ),
    Example(
        name="partial last month, seat-days and commission",
        arithmetic="""
        contract ends 2026-02-10: February 2026 has 28 days, 10 of them active
        base 3000.00 × 10/28 = 1071.4285… → 1071.43
        seats 20 seat-days × 150.00 = 3000.00
        commission 12345.67 × 0.03 = 370.3701 → 370.37
        service charges 1071.43 + 3000.00 + 370.37 = 4441.80 (≥ minimum 1000 × 10/28 = 357.14)
        no scorecard; net 4441.80; tax 4441.80 × 0.06 = 266.508 → 266.51; total 4708.31
        """,
        doc=contract(
            starts_on="2025-06-01",
            ends_on="2026-02-10",
            tax_rate="0.06",
            pricing={
                "base_fee": "3000.00",
                "seat_day_fee": "150.00",
                "commission_rate": "0.03",
                "minimum_fee": "1000.00",
            },
        ),
        period=parse_period("2026-02"),
        totals=totals(consultations=800, seat_days=20, sales_amount=D("12345.67")),
        lines=[("base", "1071.43"), ("seats", "3000.00"), ("commission", "370.37")],
        summary=("4441.80", "0.00", "0.00", "4441.80", "266.51", "4708.31"),
    ),
    Example(
        name="undefined metrics shrink max_points",
        arithmetic="""
        reply 92/100 = 0.92 ≥ 0.90 → 30 (of 40); inquiries 0 and surveys 0: conversion and
        satisfaction undefined → not evaluated, so max_points = 40, not 100
        ratio 30/40 = 0.75 ≥ 0.70 → bonus 1000.00 × 30/40 × 31/31 = 750.00
        (had they counted: 30/100 = 0.30 < 0.70, no bonus)
        base 2000.00; net 2000.00 + 750.00 = 2750.00; tax 0; total 2750.00
        """,
        doc=contract(
            pricing={"base_fee": "2000.00"},
            scorecard={
                "bonus_pool": "1000.00",
                "pass_ratio": "0.70",
                "items": [
                    REPLY_ITEM,
                    {"metric": "inquiry_conversion", "bands": [{"at_least": "0.30", "points": 30}]},
                    {"metric": "satisfaction_rate", "bands": [{"at_least": "0.90", "points": 30}]},
                ],
            },
        ),
        period=OCT,
        totals=reply(100, 92),
        lines=[("base", "2000.00"), ("bonus", "750.00")],
        summary=("2000.00", "750.00", "0.00", "2750.00", "0.00", "2750.00"),
        score=(30, 40),
    ),
    Example(
        name="several red lines breached, the largest rate applies",
        arithmetic="""
        base 3333.33 = service charges
        reply 78/100 = 0.78 < 0.85, < 0.80, < 0.95: breached rates 0.05, 0.15, 0.02 → 0.15 applies:
          3333.33 × 0.15 = 499.9995 → 500.00 (half-up)
        dispute refunds 20/1000 = 0.02 > 0.01 → 3333.33 × 0.03 = 99.9999 → 100.00
        penalties 600.00, no cap; reply 0.78 < 0.90 → 0 of 40: no bonus
        net 3333.33 − 600.00 = 2733.33; tax × 0.06 = 163.9998 → 164.00; total 2897.33
        """,
        doc=contract(tax_rate="0.06", pricing={"base_fee": "3333.33"}, scorecard=RED_LINE_SCORECARD),
        period=OCT,
        totals=RED_LINE_TOTALS,
        lines=[("base", "3333.33"), ("penalty", "-500.00"), ("penalty", "-100.00")],
        summary=("3333.33", "0.00", "600.00", "2733.33", "164.00", "2897.33"),
        score=(0, 40),
    ),
    Example(
        name="penalty cap with an incident penalty",
        arithmetic="""
        as above: red lines 500.00 + 100.00, plus a violation's fixed 200.00 → uncapped 800.00
        cap 3333.33 × 0.10 = 333.333 → 333.33; penalties 333.33; cap line +800.00 − 333.33 = 466.67
        violation −5 points: 0 − 5 → clamped to 0
        net 3333.33 − 333.33 = 3000.00; tax 3000.00 × 0.06 = 180.00; total 3180.00
        """,
        doc=contract(
            tax_rate="0.06",
            pricing={"base_fee": "3333.33"},
            scorecard=RED_LINE_SCORECARD,
            penalties={"cap_rate": "0.10"},
        ),
        period=OCT,
        totals=RED_LINE_TOTALS,
        incidents=[
            IncidentInput(
                date=date(2026, 10, 5),
                kind="violation",
                points=-5,
                penalty_amount=D("200.00"),
                note="辱骂买家",
                ref="INC-1",
            ),
        ],
        lines=[
            ("base", "3333.33"),
            ("penalty", "-500.00"),
            ("penalty", "-100.00"),
            ("incident_penalty", "-200.00"),
            ("penalty_cap", "466.67"),
        ],
        summary=("3333.33", "0.00", "333.33", "3000.00", "180.00", "3180.00"),
        score=(0, 40),
    ),
    Example(
        name="score below the pass ratio, no bonus",
        arithmetic="""
        spec contract, 5000 consultations: base 3000.00 + 5000 × 0.80 = 4000.00 → 7000.00
        reply 4300/5000 = 0.86 ≥ 0.85 → 15 (not below 0.85: no red line)
        avg 200000/5000 = 40 s: not ≤ 20, not ≤ 30, ≤ 45 → 10
        conversion 290/1000 = 0.29 < 0.30 → 0
        score 25/100 = 0.25 < 0.70 → bonus 0.00
        net 7000.00; tax 420.00; total 7420.00
        """,
        doc=SPEC_DOC,
        period=OCT,
        totals=reply(5000, 4300, response_seconds_total=D("200000"), responses=5000, inquiries=1000, paid_buyers=290),
        lines=[("base", "3000.00"), ("consultations", "4000.00")],
        summary=("7000.00", "0.00", "0.00", "7000.00", "420.00", "7420.00"),
        score=(25, 100),
    ),
    Example(
        name="incident points clamped at max_points",
        arithmetic="""
        spec contract, 1000 consultations: base 3000.00 + 1000 × 0.80 = 800.00 → 3800.00
        reply 960/1000 = 0.96 → 40; avg 18000/1000 = 18 → 30; conversion 100/500 = 0.20 → 0
        items 70 + praise 10 + praise 25 = 105 → clamped to max 100; ratio 1
        a praise dated 2026-11-01 is outside October and does not count
        bonus 1000.00 × 100/100 = 1000.00; net 4800.00; tax 288.00; total 5088.00
        """,
        doc=SPEC_DOC,
        period=OCT,
        totals=reply(1000, 960, response_seconds_total=D("18000"), responses=1000, inquiries=500, paid_buyers=100),
        incidents=[
            IncidentInput(date=date(2026, 10, 1), kind="praise", points=10),
            IncidentInput(date=date(2026, 10, 31), kind="praise", points=25),
            IncidentInput(date=date(2026, 11, 1), kind="praise", points=-1000, penalty_amount=D("99.00")),
        ],
        lines=[("base", "3000.00"), ("consultations", "800.00"), ("bonus", "1000.00")],
        summary=("3800.00", "1000.00", "0.00", "4800.00", "288.00", "5088.00"),
        score=(100, 100),
    ),
    Example(
        name="incident points clamped at 0",
        arithmetic="""
        same sums with conversion 0.20 and avg 40 s: reply 40 + avg 10 + conversion 0 = 50
        complaints −30 and −30: 50 − 60 = −10 → clamped to 0; ratio 0 < 0.70, no bonus
        one complaint carries a fixed 120.50; spec cap 3800.00 × 0.20 = 760.00 not reached
        net 3800.00 − 120.50 = 3679.50; tax 3679.50 × 0.06 = 220.77; total 3900.27
        """,
        doc=SPEC_DOC,
        period=OCT,
        totals=reply(1000, 960, response_seconds_total=D("40000"), responses=1000, inquiries=500, paid_buyers=100),
        incidents=[
            IncidentInput(date=date(2026, 10, 9), kind="complaint", points=-30, ref="B"),
            IncidentInput(date=date(2026, 10, 9), kind="complaint", points=-30, penalty_amount=D("120.50"), ref="A"),
        ],
        lines=[("base", "3000.00"), ("consultations", "800.00"), ("incident_penalty", "-120.50")],
        summary=("3800.00", "0.00", "120.50", "3679.50", "220.77", "3900.27"),
        score=(0, 100),
    ),
    Example(
        name="net floored at 0",
        arithmetic="""
        base 100.00; reply 50/100 = 0.50 < 0.80 → red line rate 1.00: 100.00 × 1.00 = 100.00
        plus a violation's fixed 50.00 → penalties 150.00, no cap
        100.00 + 0 − 150.00 = −50.00 → net max(−50.00, 0) = 0.00 via a floor line +50.00
        tax 0.00 × 0.06 = 0.00; total 0.00 (an invoice, not a credit note)
        """,
        doc=contract(
            tax_rate="0.06",
            pricing={"base_fee": "100.00"},
            scorecard={
                "items": [{"metric": "reply_rate_3min", "red_lines": [{"below": "0.80", "penalty_rate": "1.00"}]}]
            },
        ),
        period=OCT,
        totals=reply(100, 50),
        incidents=[IncidentInput(date=date(2026, 10, 2), kind="violation", points=0, penalty_amount=D("50.00"))],
        lines=[
            ("base", "100.00"),
            ("penalty", "-100.00"),
            ("incident_penalty", "-50.00"),
            ("floor", "50.00"),
        ],
        summary=("100.00", "0.00", "150.00", "0.00", "0.00", "0.00"),
    ),
    Example(
        name="tax rounds half-up",
        arithmetic="""
        base 100.50; tax 100.50 × 0.13 = 13.065 → 13.07 (half-up; half-even would give 13.06)
        total 113.57
        """,
        doc=contract(tax_rate="0.13", pricing={"base_fee": "100.50"}),
        period=OCT,
        totals=totals(),
        lines=[("base", "100.50")],
        summary=("100.50", "0.00", "0.00", "100.50", "13.07", "113.57"),
    ),
    Example(
        name="credit note from a negative adjustment",
        arithmetic="""
        base 1000.00; late data lowered 2026-09's net: recomputed 8000.00 − billed 9500.00 = −1500.00
        2026-08 recomputed 5000.00 − billed (4900.00 + 100.00 earlier adjustment) = 0 → no line
        net max(1000.00, 0) − 1500.00 = −500.00; tax −500.00 × 0.06 = −30.00; total −530.00
        negative total → credit note
        """,
        doc=contract(tax_rate="0.06", pricing={"base_fee": "1000.00"}),
        period=OCT,
        totals=totals(),
        adjustments=[
            AdjustmentInput(
                period="2026-09",
                invoice_number="VMS-2026-000009",
                recomputed_net=D("8000.00"),
                billed_net=D("9500.00"),
            ),
            AdjustmentInput(
                period="2026-08",
                invoice_number="VMS-2026-000008",
                recomputed_net=D("5000.00"),
                billed_net=D("5000.00"),
            ),
        ],
        lines=[("base", "1000.00"), ("adjustment", "-1500.00")],
        summary=("1000.00", "0.00", "0.00", "-500.00", "-30.00", "-530.00"),
        kind="credit_note",
    ),
    Example(
        name="positive adjustment after the floor",
        arithmetic="""
        base 100.00, red line rate 1.00 and fixed 50.00: 100.00 − 150.00 → floored to 0.00 (+50.00)
        then 2026-09 recomputed 1234.56 − billed 1200.00 = +34.56 → net 34.56
        tax 34.56 × 0.06 = 2.0736 → 2.07; total 36.63
        """,
        doc=contract(
            tax_rate="0.06",
            pricing={"base_fee": "100.00"},
            scorecard={
                "items": [{"metric": "reply_rate_3min", "red_lines": [{"below": "0.80", "penalty_rate": "1.00"}]}]
            },
        ),
        period=OCT,
        totals=reply(100, 50),
        incidents=[IncidentInput(date=date(2026, 10, 2), kind="violation", points=0, penalty_amount=D("50.00"))],
        adjustments=[
            AdjustmentInput(
                period="2026-09",
                invoice_number="VMS-2026-000009",
                recomputed_net=D("1234.56"),
                billed_net=D("1200.00"),
            )
        ],
        lines=[
            ("base", "100.00"),
            ("penalty", "-100.00"),
            ("incident_penalty", "-50.00"),
            ("floor", "50.00"),
            ("adjustment", "34.56"),
        ],
        summary=("100.00", "0.00", "150.00", "34.56", "2.07", "36.63"),
    ),
    Example(
        name="exactly at the pass ratio, weekly period",
        arithmetic="""
        ISO week 2026-W41 (7 days, all active); base 700.00 × 7/7 = 700.00
        reply 90/100 = 0.90 ≥ 0.90 → 70 of 100 (bands 100 / 70); ratio 70/100 = 0.70 ≥ 0.70: passes
        bonus 333.33 × 70/100 × 7/7 = 233.331 → 233.33; net 933.33; tax 0; total 933.33
        """,
        doc=contract(
            billing_cycle="weekly",
            pricing={"base_fee": "700.00"},
            scorecard={
                "bonus_pool": "333.33",
                "pass_ratio": "0.70",
                "items": [
                    {
                        "metric": "reply_rate_3min",
                        "bands": [{"at_least": "0.95", "points": 100}, {"at_least": "0.90", "points": 70}],
                    }
                ],
            },
        ),
        period=parse_period("2026-W41"),
        totals=reply(100, 90),
        lines=[("base", "700.00"), ("bonus", "233.33")],
        summary=("700.00", "233.33", "0.00", "933.33", "0.00", "933.33"),
        score=(70, 100),
    ),
]


@pytest.mark.parametrize("ex", EXAMPLES, ids=[ex.name for ex in EXAMPLES])
def test_worked_example(ex: Example) -> None:
    comp = compute_invoice(ex.doc, ex.period, ex.totals, ex.incidents, ex.adjustments)
    assert comp is not None
    check_invariants(comp)
    assert lines_of(comp) == [(kind, D(amount)) for kind, amount in ex.lines], ex.arithmetic
    got = (comp.service_charges, comp.bonus, comp.penalties, comp.net, comp.tax, comp.total)
    assert got == tuple(D(value) for value in ex.summary), ex.arithmetic
    if ex.score is not None:
        assert (comp.scorecard.score, comp.scorecard.max_points) == ex.score
    assert comp.kind == ex.kind


# ---------------------------------------------------------------------------------------------
# consultation tiers at and around their edges


GRADUATED = {
    "consultation_tier_mode": "graduated",
    "consultation_tiers": [{"up_to": 100, "unit_price": "0.85"}, {"up_to": 200, "unit_price": "0.65"}],
}


@pytest.mark.parametrize(
    ("consultations", "expected", "arithmetic"),
    [
        (0, [], "no consultations, no line"),
        (1, ["0.85"], "1 × 0.85 = 0.85"),
        (99, ["84.15"], "99 × 0.85 = 84.15 (one below the edge)"),
        (100, ["85.00"], "100 × 0.85 = 85.00 (exactly at up_to: all in tier 1, tier 2 empty)"),
        (101, ["85.00", "0.65"], "100 × 0.85 = 85.00; 1 × 0.65 = 0.65 (one above)"),
        (199, ["85.00", "64.35"], "85.00; 99 × 0.65 = 64.35"),
        (200, ["85.00", "65.00"], "85.00; 100 × 0.65 = 65.00 (at the last up_to)"),
        (201, ["85.00", "65.65"], "85.00; beyond the last up_to at its price: 101 × 0.65 = 65.65"),
    ],
)
def test_graduated_tiers_at_edges(consultations: int, expected: list[str], arithmetic: str) -> None:
    comp = compute_invoice(contract(pricing=GRADUATED), OCT, totals(consultations=consultations))
    assert comp is not None
    check_invariants(comp)
    got = [line.amount for line in comp.lines if line.kind == "consultations"]
    assert got == [D(x) for x in expected], arithmetic
    assert sum(int(line.quantity or 0) for line in comp.lines) == consultations


def test_graduated_tier_lines_describe_their_range() -> None:
    comp = compute_invoice(contract(pricing=GRADUATED), OCT, totals(consultations=201))
    assert comp is not None
    first, second = comp.lines
    assert (first.quantity, first.unit_price) == ("100", "0.85")
    assert "tier 1 (1–100): 100 × 0.85" in first.description
    assert (second.quantity, second.unit_price) == ("101", "0.65")
    assert "tier 2 (101+): 101 × 0.65" in second.description


def test_graduated_rounds_per_tier() -> None:
    # 1 × 0.005 = 0.005 → 0.01 in each tier, so 0.02; rounding the sum once would give 0.01.
    pricing = {"consultation_tiers": [{"up_to": 1, "unit_price": "0.005"}, {"unit_price": "0.005"}]}
    comp = compute_invoice(contract(pricing=pricing), OCT, totals(consultations=2))
    assert comp is not None
    assert lines_of(comp) == [("consultations", D("0.01")), ("consultations", D("0.01"))]
    assert comp.service_charges == D("0.02")


def test_graduated_omits_free_tier() -> None:
    # The first 100 are free (0 × anything = 0.00: no line); 150 − 100 = 50 × 0.50 = 25.00.
    pricing = {"consultation_tiers": [{"up_to": 100, "unit_price": "0"}, {"unit_price": "0.50"}]}
    comp = compute_invoice(contract(pricing=pricing), OCT, totals(consultations=150))
    assert comp is not None
    assert lines_of(comp) == [("consultations", D("25.00"))]


VOLUME = {
    "consultation_tier_mode": "volume",
    "consultation_tiers": [{"up_to": 100, "unit_price": "1.00"}, {"up_to": 200, "unit_price": "0.80"}],
}


@pytest.mark.parametrize(
    ("tiers", "consultations", "expected", "arithmetic"),
    [
        (VOLUME, 0, None, "0 × 1.00 = 0.00: no line"),
        (VOLUME, 99, "99.00", "99 ≤ 100 → tier 1: 99 × 1.00 = 99.00"),
        (VOLUME, 100, "100.00", "100 ≤ 100 → tier 1: 100 × 1.00 = 100.00 (at the edge)"),
        (VOLUME, 101, "80.80", "101 > 100, ≤ 200 → tier 2 for all: 101 × 0.80 = 80.80"),
        (VOLUME, 200, "160.00", "200 ≤ 200 → tier 2: 200 × 0.80 = 160.00"),
        (VOLUME, 201, "160.80", "no tier has up_to ≥ 201 → the last: 201 × 0.80 = 160.80"),
        (
            {
                "consultation_tier_mode": "volume",
                "consultation_tiers": [{"up_to": 100, "unit_price": "1.00"}, {"unit_price": "0.755"}],
            },
            101,
            "76.26",
            "open last tier: 101 × 0.755 = 76.255 → 76.26 (half-up)",
        ),
    ],
)
def test_volume_tiers_at_edges(
    tiers: dict[str, Any], consultations: int, expected: str | None, arithmetic: str
) -> None:
    comp = compute_invoice(contract(pricing=tiers), OCT, totals(consultations=consultations))
    assert comp is not None
    check_invariants(comp)
    got = [line.amount for line in comp.lines if line.kind == "consultations"]
    assert got == ([] if expected is None else [D(expected)]), arithmetic


# ---------------------------------------------------------------------------------------------
# minimum fee, active days


@pytest.mark.parametrize(
    ("base_fee", "top_up", "arithmetic"),
    [
        ("999.99", "0.01", "m = 1000.00; 1000.00 − 999.99 = 0.01"),
        ("1000.00", None, "sum = m = 1000.00: not below, no line"),
        ("1000.01", None, "sum above m: no line"),
    ],
)
def test_minimum_top_up_edges(base_fee: str, top_up: str | None, arithmetic: str) -> None:
    doc = contract(pricing={"base_fee": base_fee, "minimum_fee": "1000.00"})
    comp = compute_invoice(doc, OCT, totals())
    assert comp is not None
    check_invariants(comp)
    got = [line.amount for line in comp.lines if line.kind == "minimum_top_up"]
    assert got == ([] if top_up is None else [D(top_up)]), arithmetic
    assert comp.service_charges == max(D(base_fee), D("1000.00"))


def test_no_invoice_without_an_active_day() -> None:
    doc = contract(starts_on="2026-03-15", ends_on="2026-06-30", pricing={"base_fee": "3000.00"})
    assert compute_invoice(doc, parse_period("2026-02"), totals()) is None
    assert compute_invoice(doc, parse_period("2026-07"), totals()) is None
    # The last day alone is active: 3000.00 × 1/30 = 100.00
    one_day = compute_invoice(
        contract(starts_on="2026-03-15", ends_on="2026-06-01", pricing={"base_fee": "3000.00"}),
        parse_period("2026-06"),
        totals(),
    )
    assert one_day is not None
    assert (one_day.active_days, one_day.period_days, one_day.net) == (1, 30, D("100.00"))
    assert one_day.lines[0].description == "基本服务费 base fee (1/30 days)"


# ---------------------------------------------------------------------------------------------
# scorecard


def scorecard_of(*items: dict[str, Any]) -> Scorecard:
    return contract(scorecard={"pass_ratio": "0.70", "items": list(items)}).scorecard


def only_item(card: Scorecard, t: PerformanceTotals) -> ScorecardItemResult:
    (item,) = evaluate_scorecard(card, t, 0).items
    return item


def test_first_band_met_in_written_order() -> None:
    card = scorecard_of(
        {
            "metric": "reply_rate_3min",
            "bands": [
                {"at_least": "0.95", "points": 40},
                {"at_least": "0.90", "points": 30},
                {"at_least": "0.85", "points": 15},
            ],
        }
    )
    for replied, points, index in [(100, 40, 0), (95, 40, 0), (94, 30, 1), (90, 30, 1), (85, 15, 2)]:
        item = only_item(card, reply(100, replied))
        assert (item.points, item.band_index, item.max_points) == (points, index, 40), replied
    item = only_item(card, reply(100, 84))
    assert (item.points, item.band_index, item.evaluated) == (0, None, True)


def test_at_most_bands() -> None:
    card = scorecard_of(
        {
            "metric": "avg_response_seconds",
            "bands": [
                {"at_most": "20", "points": 30},
                {"at_most": "30", "points": 20},
                {"at_most": "45", "points": 10},
            ],
        }
    )
    for seconds, points in [("0", 30), ("200", 30), ("200.001", 20), ("300", 20), ("450", 10), ("451", 0)]:
        item = only_item(card, totals(response_seconds_total=D(seconds), responses=10))
        assert item.points == points, seconds  # e.g. 200.001 / 10 = 20.0001 > 20 → next band
    assert only_item(card, totals(response_seconds_total=D("200.001"), responses=10)).value == "20.000100"


def test_thresholds_compare_exactly() -> None:
    card = scorecard_of(
        {"metric": "reply_rate_3min", "bands": [{"at_least": "0.85", "points": 10}]},
        {"metric": "inquiry_conversion", "bands": [{"at_most": "0.333333", "points": 10}]},
    )
    # 17/20 = 0.85 exactly meets at_least 0.85
    assert evaluate_scorecard(card, reply(20, 17), 0).items[0].points == 10
    # 8499999/10000000 = 0.8499999 does not
    assert evaluate_scorecard(card, reply(10_000_000, 8_499_999), 0).items[0].points == 0
    # 1/3 shows as 0.333333 but is larger than 0.333333, so at_most 0.333333 is not met
    third = evaluate_scorecard(card, totals(inquiries=3, paid_buyers=1), 0).items[1]
    assert (third.value, third.points) == ("0.333333", 0)
    # 333333/1000000 is exactly 0.333333 and meets it
    assert evaluate_scorecard(card, totals(inquiries=1_000_000, paid_buyers=333_333), 0).items[1].points == 10


def test_red_lines_are_strict_and_exact() -> None:
    card = scorecard_of(
        {"metric": "reply_rate_3min", "red_lines": [{"below": "0.85", "penalty_rate": "0.05"}]},
        {"metric": "dispute_refund_rate", "red_lines": [{"above": "0.01", "penalty_rate": "0.10"}]},
    )
    at = evaluate_scorecard(card, reply(20, 17, orders=100, dispute_refunds=1), 0)
    assert [i.red_line_breached for i in at.items] == [False, False]  # 0.85 is not < 0.85; 0.01 not > 0.01
    past = evaluate_scorecard(card, reply(10_000_000, 8_499_999, orders=10_000, dispute_refunds=101), 0)
    assert [(i.red_line_breached, i.red_line_threshold, i.penalty_rate) for i in past.items] == [
        (True, "0.85", "0.05"),
        (True, "0.01", "0.10"),
    ]
    # Pricing them: 1000.00 × 0.05 = 50.00; 1000.00 × 0.10 = 100.00. evaluate_scorecard alone prices none.
    assert [i.penalty for i in past.items] == [D("0.00"), D("0.00")]
    priced = apply_red_line_penalties(past, D("1000.00"))
    assert [i.penalty for i in priced.items] == [D("50.00"), D("100.00")]


def test_largest_red_line_rate_is_reported() -> None:
    # 0.78 breaches below 0.85 (0.05), below 0.80 (0.15) and below 0.95 (0.02): 0.15 applies.
    result = evaluate_scorecard(contract(scorecard=RED_LINE_SCORECARD).scorecard, RED_LINE_TOTALS, 0)
    assert (result.items[0].red_line_threshold, result.items[0].penalty_rate) == ("0.80", "0.15")


def test_undefined_metric_is_not_evaluated() -> None:
    card = scorecard_of(
        REPLY_ITEM,
        {
            "metric": "satisfaction_rate",
            "bands": [{"at_least": "0.90", "points": 60}],
            "red_lines": [{"below": "0.50", "penalty_rate": "0.50"}],
        },
    )
    result = evaluate_scorecard(card, reply(100, 100), 0)
    sat = result.items[1]
    assert (sat.evaluated, sat.value, sat.points, sat.max_points, sat.red_line_breached) == (
        False,
        None,
        0,
        0,
        False,
    )
    assert (result.score, result.max_points, result.ratio, result.passed) == (40, 40, "1.000000", True)


def test_no_evaluated_item_means_no_ratio_and_no_bonus() -> None:
    # No consultations: the only item is undefined, max_points 0, ratio undefined; praise cannot help.
    doc = contract(
        pricing={"base_fee": "500.00"},
        scorecard={"bonus_pool": "1000.00", "pass_ratio": "0", "items": [REPLY_ITEM]},
    )
    incidents = [IncidentInput(date=date(2026, 10, 3), kind="praise", points=5)]
    comp = compute_invoice(doc, OCT, totals(), incidents)
    assert comp is not None
    card = comp.scorecard
    assert (card.max_points, card.score, card.ratio, card.passed) == (0, 0, None, False)
    assert card.incident_points == 5
    assert (comp.bonus, comp.net) == (D("0.00"), D("500.00"))


def test_scorecard_result_texts() -> None:
    result = evaluate_scorecard(SPEC_DOC.scorecard, reply(12345, 11852), 3)
    assert result.items[0].value == "0.960065"  # 11852/12345 = 0.96006480…
    assert (result.item_points, result.incident_points, result.score) == (40, 3, 40)  # max is 40 alone
    assert (result.ratio, result.pass_ratio, result.passed) == ("1.000000", "0.70", True)


# ---------------------------------------------------------------------------------------------
# lines, adjustments, snapshots


def test_adjustment_line_text_and_amount() -> None:
    adjustment = AdjustmentInput(
        period="2026-10",
        invoice_number="VMS-2026-000001",
        recomputed_net=D("13307.00"),
        billed_net=D("13100.50"),
    )
    comp = compute_invoice(
        contract(pricing={"base_fee": "10.00"}), parse_period("2026-11"), totals(), adjustments=[adjustment]
    )
    assert comp is not None
    check_invariants(comp)
    line = comp.lines[-1]
    # 13307.00 − 13100.50 = 206.50
    assert line == InvoiceLine(
        kind="adjustment",
        description="adjustment for 2026-10 (VMS-2026-000001)",
        amount=D("206.50"),
        period="2026-10",
        invoice_number="VMS-2026-000001",
    )
    assert (comp.adjustments, comp.net_before_adjustments, comp.net) == (
        D("206.50"),
        D("10.00"),
        D("216.50"),
    )


def test_red_line_and_cap_lines_carry_metric_and_text() -> None:
    example = next(ex for ex in EXAMPLES if ex.name.startswith("penalty cap"))
    comp = compute_invoice(example.doc, example.period, example.totals, example.incidents)
    assert comp is not None
    penalty = comp.lines[1]
    assert penalty.metric == "reply_rate_3min"
    assert penalty.description == "红线扣款 red line reply_rate_3min < 0.80: 3333.33 × 0.15"
    assert comp.lines[2].description == "红线扣款 red line dispute_refund_rate > 0.01: 3333.33 × 0.03"
    assert comp.lines[3].description == ("考核事件扣款 incident penalty: 违规 violation 2026-10-05 [INC-1] 辱骂买家")
    assert (comp.penalties_uncapped, comp.penalty_cap, comp.penalties) == (
        D("800.00"),
        D("333.33"),
        D("333.33"),
    )
    assert [i.penalty for i in comp.scorecard.items] == [D("500.00"), D("100.00")]


def test_cap_not_reached_has_no_cap_line() -> None:
    # Spec cap 20%: 12407.00 × 0.20 = 2481.40; one red line 0.79 < 0.80 → 0.15 × 12407.00 = 1861.05
    comp = compute_invoice(SPEC_DOC, OCT, reply(12345, 9753))  # 9753/12345 = 0.790…
    assert comp is not None
    check_invariants(comp)
    assert comp.penalty_cap == D("2481.40")
    assert comp.penalties == comp.penalties_uncapped == D("1861.05")
    assert "penalty_cap" not in [line.kind for line in comp.lines]


def test_invalid_incident_amounts_are_refused() -> None:
    doc = contract(pricing={"base_fee": "10.00"})
    for bad in (D("1.005"), D("-1.00")):
        incident = IncidentInput(date=date(2026, 10, 1), kind="violation", points=0, penalty_amount=bad)
        with pytest.raises(ValueError):
            compute_invoice(doc, OCT, totals(), [incident])


def test_inputs_snapshot_is_json_and_stable() -> None:
    example = next(ex for ex in EXAMPLES if ex.name.startswith("penalty cap"))
    outside = IncidentInput(date=date(2026, 9, 30), kind="praise", points=1)
    incidents = [*example.incidents, outside]
    adjustments = [
        AdjustmentInput(
            period="2026-09", invoice_number="VMS-2026-000009", recomputed_net=D("1.00"), billed_net=D("2.00")
        )
    ]
    comp = compute_invoice(example.doc, example.period, example.totals, incidents, adjustments)
    assert comp is not None
    snap = inputs_snapshot("ab" * 32, 3, comp, incidents, adjustments)
    # JSON round trip gives the same dict: everything in it is JSON-native (decimals are strings)
    assert msgspec.json.decode(msgspec.json.encode(snap)) == snap
    assert snap["contract"] == {"version": 3, "document_sha256": "ab" * 32}
    assert snap["totals"]["consultations"] == 100
    assert snap["totals"]["sales_amount"] == "0"
    assert snap["metrics"]["reply_rate_3min"] == "0.780000"
    assert snap["metrics"]["satisfaction_rate"] is None
    assert [(i["metric"], i["points"], i["penalty"]) for i in snap["scorecard"]["items"]] == [
        ("reply_rate_3min", 0, "500.00"),
        ("dispute_refund_rate", 0, "100.00"),
    ]
    assert [i["ref"] for i in snap["incidents"]] == ["INC-1"]  # 2026-09-30 is not in the period
    assert snap["incidents"][0]["penalty_amount"] == "200.00"
    assert snap["adjustments"][0]["recomputed_net"] == "1.00"

    digest = inputs_sha256(snap)
    assert len(digest) == 64
    assert inputs_sha256(copy.deepcopy(snap)) == digest
    assert inputs_sha256(dict(reversed(snap.items()))) == digest  # key order does not matter
    changed = inputs_snapshot("ab" * 32, 4, comp, incidents, adjustments)
    assert inputs_sha256(changed) != digest


def test_incident_order_does_not_change_lines_or_snapshot() -> None:
    example = next(ex for ex in EXAMPLES if ex.name == "incident points clamped at 0")
    forward = compute_invoice(example.doc, example.period, example.totals, example.incidents)
    backward = compute_invoice(example.doc, example.period, example.totals, example.incidents[::-1])
    assert forward == backward
    assert forward is not None
    assert inputs_snapshot("x", 1, forward, example.incidents) == inputs_snapshot(
        "x", 1, forward, example.incidents[::-1]
    )
