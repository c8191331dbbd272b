"""Billing: one contract, one period, one invoice (SPEC section 5), computed to the fen.

Pure: `Decimal` and `Fraction` only, no database, no clock, no I/O. The caller supplies the
contract document, the period, the summed performance counts of the period (SQL has already
taken the latest revision of every record and counted the seat-days), the period's incidents and
any adjustments for earlier periods; `compute_invoice` returns every amount and every invoice line.

Arithmetic: every product is an exact Decimal product (`round2_product` traps any inexact
step) and every proration an exact `Fraction`, each rounded once with `round2` (ROUND_HALF_UP to
0.01) exactly where SPEC 5 says `round2`, nowhere else. Threshold comparisons (bands, red lines,
the pass ratio) compare the metric's exact `Fraction` with the written Decimal, which Python does
exactly; never floating point.

Readings of SPEC 5 that the text leaves open (tested in tests/domain/test_billing.py):

* Graduated tiers: tier i covers (up_to(i-1), up_to(i)]. When the last tier has an `up_to` and
  the consultations exceed it, the excess is charged at the last tier's price, in the last tier's
  line (the last tier behaves as open-ended). This is the same reading as volume pricing's
  "or the last tier": the last price applies to everything beyond the table.
* Lines of amount 0 are omitted (a free tier, an unmet minimum of 0, a bonus of 0, ...).
* An item whose metric is undefined in the period is not evaluated: 0 points, and it adds
  nothing to `max_points` (its `ScorecardItemResult.max_points` is 0, so the items' max_points
  always sum to the scorecard's), and its red lines cannot be breached.
* Among an item's breached red lines the largest `penalty_rate` applies; on a tie the first one
  written is reported.
* The invoice lines always sum exactly to `net`: when the cap reduces penalties a positive
  `penalty_cap` line gives the difference back, and when the net is floored at 0 a positive
  `floor` line does the same. Adjustments come after the floor (SPEC 5.7), so they can make the
  net, and the total, negative: a negative total is a credit note.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import msgspec

from vendor_ms.domain.contract import ContractDocument, Pricing, RedLine, Scorecard, ScorecardItem
from vendor_ms.domain.metrics import METRIC_NAMES, PerformanceTotals, decimal_text, metric_values
from vendor_ms.domain.money import ZERO, from_fen, money_str, round2, round2_product, to_fen
from vendor_ms.domain.periods import Period, parse_period

INCIDENT_KINDS = ("complaint", "praise", "violation", "inspection")
INCIDENT_KINDS_ZH = {"complaint": "投诉", "praise": "表扬", "violation": "违规", "inspection": "抽检"}

LINE_KINDS = (
    "base",
    "consultations",
    "seats",
    "commission",
    "minimum_top_up",
    "bonus",
    "penalty",
    "incident_penalty",
    "penalty_cap",
    "floor",
    "adjustment",
)


# ---------------------------------------------------------------------------------------------
# inputs and results


class IncidentInput(msgspec.Struct, frozen=True, kw_only=True):
    """A recorded incident of the period: its points count toward the score, its fixed penalty
    (if any) toward the penalties."""

    date: dt.date
    kind: str  # complaint | praise | violation | inspection
    points: int
    penalty_amount: Decimal | None = None
    note: str = ""
    ref: str = ""  # an id for display


class AdjustmentInput(msgspec.Struct, frozen=True, kw_only=True):
    """Late data for an earlier, already issued period (SPEC 5.8).

    `recomputed_net` is that period's net before adjustments, recomputed now; `billed_net` is
    its issued net before adjustments plus every adjustment for it already issued since.
    """

    period: str
    invoice_number: str
    recomputed_net: Decimal
    billed_net: Decimal

    @property
    def amount(self) -> Decimal:
        return _money(self.recomputed_net) - _money(self.billed_net)


class InvoiceLine(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    description: str
    amount: Decimal  # signed: penalties are negative
    quantity: str | None = None
    unit_price: str | None = None
    metric: str | None = None
    period: str | None = None  # for adjustments: the earlier period they correct
    invoice_number: str | None = None  # for adjustments: the invoice of that period


class ScorecardItemResult(msgspec.Struct, frozen=True, kw_only=True):
    metric: str
    value: str | None  # 6 decimals; None when the metric is undefined in the period
    evaluated: bool
    points: int
    max_points: int  # the item's largest band points when evaluated, else 0
    band_index: int | None  # the band met (0-based, written order), None when none
    red_line_breached: bool
    red_line_threshold: str | None  # threshold of the red line that applies
    penalty_rate: str | None  # its penalty rate
    penalty: Decimal  # round2(service_charges × penalty_rate); 0 when none


class ScorecardResult(msgspec.Struct, frozen=True, kw_only=True):
    items: list[ScorecardItemResult]
    item_points: int
    incident_points: int
    score: int  # item_points + incident_points clamped to [0, max_points]
    max_points: int
    ratio: str | None  # score / max_points, 6 decimals; None when max_points = 0
    pass_ratio: str
    passed: bool

    @property
    def exact_ratio(self) -> Fraction | None:
        """The unrounded ratio: bonus and pass/fail use this, never the 6-decimal text."""
        return Fraction(self.score, self.max_points) if self.max_points else None


class BillingComputation(msgspec.Struct, frozen=True, kw_only=True):
    period: str
    period_days: int
    active_days: int
    totals: PerformanceTotals
    metrics: dict[str, str | None]  # every metric, 6 decimals
    lines: list[InvoiceLine]
    service_charges: Decimal
    bonus: Decimal
    penalties: Decimal  # positive, after the cap
    penalties_uncapped: Decimal
    penalty_cap: Decimal | None  # round2(service_charges × cap_rate) when a cap is set
    adjustments: Decimal
    net_before_adjustments: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal
    kind: str  # invoice | credit_note (total < 0)
    scorecard: ScorecardResult
    incident_points: int


# ---------------------------------------------------------------------------------------------
# helpers


def _dec(value: Decimal) -> str:
    """A decimal as written (no exponent), for descriptions and rate/threshold texts."""
    return f"{value:f}"


def _money(value: Decimal) -> Decimal:
    """Normalise an amount that must already be exact to the fen; refuse one that is not.

    Used for inputs that are money already (incident penalties, nets); rounding them here would
    be a silent coercion of bad input.
    """
    return from_fen(to_fen(value))


def _prorate(amount: Decimal, active_days: int, period_days: int) -> Decimal:
    return round2(Fraction(amount) * active_days / period_days)


def _days(active_days: int, period_days: int) -> str:
    return f"{active_days}/{period_days} days"


# ---------------------------------------------------------------------------------------------
# service charges (SPEC 5.3)


def _consultation_lines(pricing: Pricing, consultations: int) -> list[InvoiceLine]:
    tiers = pricing.consultation_tiers
    if not tiers or consultations <= 0:
        return []
    lines: list[InvoiceLine] = []
    if pricing.consultation_tier_mode == "volume":
        # The first tier whose up_to ≥ total prices every consultation; beyond the table, the last.
        index, tier = next(
            ((i, t) for i, t in enumerate(tiers) if t.up_to is None or t.up_to >= consultations),
            (len(tiers) - 1, tiers[-1]),
        )
        amount = round2_product(consultations, tier.unit_price)
        lines.append(
            InvoiceLine(
                kind="consultations",
                description=(
                    f"咨询量 consultations, volume tier {index + 1}: {consultations} × {_dec(tier.unit_price)}"
                ),
                amount=amount,
                quantity=str(consultations),
                unit_price=_dec(tier.unit_price),
            )
        )
    else:
        lower = 0  # tier i covers (lower, upper]
        for i, tier in enumerate(tiers):
            last = i == len(tiers) - 1
            # The last tier absorbs any excess over its up_to (see the module docstring).
            upper = None if last else tier.up_to
            count = (consultations if upper is None else min(consultations, upper)) - lower
            if count <= 0:
                break
            span = f"{lower + 1}+" if upper is None else f"{lower + 1}–{upper}"
            lines.append(
                InvoiceLine(
                    kind="consultations",
                    description=(f"咨询量 consultations, tier {i + 1} ({span}): {count} × {_dec(tier.unit_price)}"),
                    amount=round2_product(count, tier.unit_price),
                    quantity=str(count),
                    unit_price=_dec(tier.unit_price),
                )
            )
            if upper is None:
                break
            lower = upper
    return [line for line in lines if line.amount != 0]


def _service_lines(
    doc: ContractDocument, totals: PerformanceTotals, active_days: int, period_days: int
) -> list[InvoiceLine]:
    pricing = doc.pricing
    lines: list[InvoiceLine] = []
    base = _prorate(pricing.base_fee, active_days, period_days)
    lines.append(
        InvoiceLine(
            kind="base",
            description=f"基本服务费 base fee ({_days(active_days, period_days)})",
            amount=base,
            quantity=f"{active_days}/{period_days}",
            unit_price=money_str(pricing.base_fee),
        )
    )
    lines.extend(_consultation_lines(pricing, totals.consultations))
    lines.append(
        InvoiceLine(
            kind="seats",
            description=f"坐席费 seat-days: {totals.seat_days} × {money_str(pricing.seat_day_fee)}",
            amount=round2_product(totals.seat_days, pricing.seat_day_fee),
            quantity=str(totals.seat_days),
            unit_price=money_str(pricing.seat_day_fee),
        )
    )
    lines.append(
        InvoiceLine(
            kind="commission",
            description=(
                f"询单转化提成 commission: {money_str(totals.sales_amount)} × {_dec(pricing.commission_rate)}"
            ),
            amount=round2_product(totals.sales_amount, pricing.commission_rate),
            quantity=money_str(totals.sales_amount),
            unit_price=_dec(pricing.commission_rate),
        )
    )
    lines = [line for line in lines if line.amount != 0]
    subtotal = sum((line.amount for line in lines), ZERO)
    minimum = _prorate(pricing.minimum_fee, active_days, period_days)
    if subtotal < minimum:
        lines.append(
            InvoiceLine(
                kind="minimum_top_up",
                description=(
                    f"保底补足 minimum fee top-up: {money_str(minimum)} − {money_str(subtotal)} "
                    f"(minimum {money_str(pricing.minimum_fee)} × {_days(active_days, period_days)})"
                ),
                amount=minimum - subtotal,
                unit_price=money_str(pricing.minimum_fee),
            )
        )
    return lines


# ---------------------------------------------------------------------------------------------
# scorecard (SPEC 5.4) and red lines (SPEC 5.6)


def _applied_red_line(item: ScorecardItem, value: Fraction) -> RedLine | None:
    """The breached red line with the largest penalty_rate (the first written among equals)."""
    breached = [
        line
        for line in item.red_lines
        if (line.below is not None and value < line.below) or (line.above is not None and value > line.above)
    ]
    # max() returns the first of equal maxima
    return max(breached, key=lambda line: line.penalty_rate) if breached else None


def evaluate_scorecard(
    scorecard: Scorecard,
    totals: PerformanceTotals,
    incident_points: int,
    values: dict[str, Fraction | None] | None = None,
) -> ScorecardResult:
    """Points, score and ratio of the period; red lines are found but not priced (penalty 0).

    Pricing a red line needs the service charges: see `apply_red_line_penalties`. `values` are
    the period's metric values when the caller has them already.
    """
    if values is None:
        values = metric_values(totals)
    items: list[ScorecardItemResult] = []
    for item in scorecard.items:
        value = values[item.metric]
        if value is None:
            items.append(
                ScorecardItemResult(
                    metric=item.metric,
                    value=None,
                    evaluated=False,
                    points=0,
                    max_points=0,
                    band_index=None,
                    red_line_breached=False,
                    red_line_threshold=None,
                    penalty_rate=None,
                    penalty=ZERO,
                )
            )
            continue
        band_index: int | None = None
        for j, band in enumerate(item.bands):
            if (band.at_least is not None and value >= band.at_least) or (
                band.at_most is not None and value <= band.at_most
            ):
                band_index = j
                break  # the first band met, in written order, wins
        applied = _applied_red_line(item, value)
        items.append(
            ScorecardItemResult(
                metric=item.metric,
                value=decimal_text(value),
                evaluated=True,
                points=item.bands[band_index].points if band_index is not None else 0,
                max_points=item.max_points,
                band_index=band_index,
                red_line_breached=applied is not None,
                red_line_threshold=_dec(applied.threshold) if applied is not None else None,
                penalty_rate=_dec(applied.penalty_rate) if applied is not None else None,
                penalty=ZERO,
            )
        )
    item_points = sum(i.points for i in items)
    max_points = sum(i.max_points for i in items)
    score = min(max(item_points + incident_points, 0), max_points)
    ratio = Fraction(score, max_points) if max_points else None
    return ScorecardResult(
        items=items,
        item_points=item_points,
        incident_points=incident_points,
        score=score,
        max_points=max_points,
        ratio=decimal_text(ratio),
        pass_ratio=_dec(scorecard.pass_ratio),
        passed=ratio is not None and ratio >= scorecard.pass_ratio,
    )


def apply_red_line_penalties(result: ScorecardResult, service_charges: Decimal) -> ScorecardResult:
    """The same result with each breached item's penalty: round2(service_charges × penalty_rate)."""
    items = [
        msgspec.structs.replace(item, penalty=round2_product(service_charges, Decimal(item.penalty_rate)))
        if item.penalty_rate is not None
        else item
        for item in result.items
    ]
    return msgspec.structs.replace(result, items=items)


def _period_incidents(incidents: Sequence[IncidentInput], period: Period) -> list[IncidentInput]:
    """Only the period's own incidents count (defensively, whatever the caller passed), in a
    fixed order (date, ref) so that re-running a billing run gives the same lines."""
    return sorted((i for i in incidents if i.date in period), key=lambda i: (i.date, i.ref))


def _red_line_text(item: ScorecardItem, value: Fraction | None) -> str:
    """`< 0.80` or `> 0.02`: the applied red line of an evaluated item, for its description."""
    line = _applied_red_line(item, value) if value is not None else None
    if line is None:
        return ""
    return f"{'<' if line.below is not None else '>'} {_dec(line.threshold)}"


def _incident_text(incident: IncidentInput) -> str:
    kind = INCIDENT_KINDS_ZH.get(incident.kind, "")
    text = f"考核事件扣款 incident penalty: {kind} {incident.kind} {incident.date.isoformat()}"
    if incident.ref:
        text += f" [{incident.ref}]"
    if incident.note:
        text += f" {incident.note}"
    return text


# ---------------------------------------------------------------------------------------------
# the invoice


def compute_invoice(
    doc: ContractDocument,
    period: Period,
    totals: PerformanceTotals,
    incidents: Sequence[IncidentInput] = (),
    adjustments: Sequence[AdjustmentInput] = (),
) -> BillingComputation | None:
    """Every amount and line of the contract's invoice for `period`; None without an active day."""
    period_days = period.days
    active_days = period.active_days(doc.starts_on, doc.ends_on)
    if active_days <= 0:
        return None
    incidents = _period_incidents(incidents, period)

    lines = _service_lines(doc, totals, active_days, period_days)
    service_charges = sum((line.amount for line in lines), ZERO)

    incident_points = sum(i.points for i in incidents)
    values = metric_values(totals)  # once per invoice: every later step reads these
    scorecard = apply_red_line_penalties(
        evaluate_scorecard(doc.scorecard, totals, incident_points, values), service_charges
    )

    # Bonus (5.5): from the exact ratio, prorated, rounded once.
    bonus = ZERO
    ratio = scorecard.exact_ratio
    if scorecard.passed and ratio is not None:
        bonus = round2(Fraction(doc.scorecard.bonus_pool) * ratio * active_days / period_days)
    if bonus:
        lines.append(
            InvoiceLine(
                kind="bonus",
                description=(
                    f"绩效奖金 performance bonus: {money_str(doc.scorecard.bonus_pool)} × "
                    f"{scorecard.score}/{scorecard.max_points} × {_days(active_days, period_days)}"
                ),
                amount=bonus,
                quantity=f"{scorecard.score}/{scorecard.max_points}",
                unit_price=money_str(doc.scorecard.bonus_pool),
            )
        )

    # Penalties (5.6): red lines, then incidents' fixed amounts, then the cap.
    for written, item in zip(doc.scorecard.items, scorecard.items, strict=True):
        if item.penalty:
            lines.append(
                InvoiceLine(
                    kind="penalty",
                    description=(
                        f"红线扣款 red line {item.metric} {_red_line_text(written, values[item.metric])}: "
                        f"{money_str(service_charges)} × {item.penalty_rate}"
                    ),
                    amount=-item.penalty,
                    quantity=money_str(service_charges),
                    unit_price=item.penalty_rate,
                    metric=item.metric,
                )
            )
    incident_penalties = ZERO
    for incident in incidents:
        if incident.penalty_amount is None:
            continue
        amount = _money(incident.penalty_amount)
        if amount < 0:
            raise ValueError(f"incident {incident.ref or incident.date}: penalty_amount must not be negative")
        if not amount:
            continue
        incident_penalties += amount
        lines.append(
            InvoiceLine(
                kind="incident_penalty",
                description=_incident_text(incident),
                amount=-amount,
            )
        )
    penalties_uncapped = sum((item.penalty for item in scorecard.items), ZERO) + incident_penalties
    penalty_cap: Decimal | None = None
    penalties = penalties_uncapped
    if doc.penalties.cap_rate is not None:
        penalty_cap = round2_product(service_charges, doc.penalties.cap_rate)
        if penalties_uncapped > penalty_cap:
            penalties = penalty_cap
            # Give back what the cap forgives, so the lines still sum to the net.
            lines.append(
                InvoiceLine(
                    kind="penalty_cap",
                    description=(
                        f"扣款封顶 penalty cap: {money_str(service_charges)} × "
                        f"{_dec(doc.penalties.cap_rate)} = {money_str(penalty_cap)}"
                    ),
                    amount=penalties_uncapped - penalty_cap,
                    quantity=money_str(service_charges),
                    unit_price=_dec(doc.penalties.cap_rate),
                )
            )

    # Net (5.7): floored at 0 before adjustments, which may take it below 0.
    gross = service_charges + bonus - penalties
    net_before_adjustments = max(gross, ZERO)
    if gross < 0:
        lines.append(
            InvoiceLine(
                kind="floor",
                description="净额保底 net floored at 0.00",
                amount=-gross,
            )
        )

    adjustment_total = ZERO
    for adjustment in adjustments:
        amount = adjustment.amount
        if not amount:
            continue
        adjustment_total += amount
        lines.append(
            InvoiceLine(
                kind="adjustment",
                description=f"adjustment for {adjustment.period} ({adjustment.invoice_number})",
                amount=amount,
                period=adjustment.period,
                invoice_number=adjustment.invoice_number,
            )
        )

    net = net_before_adjustments + adjustment_total
    tax = round2_product(net, doc.tax_rate)
    total = net + tax
    assert sum((line.amount for line in lines), ZERO) == net, "invoice lines must sum to the net"
    return BillingComputation(
        period=period.label,
        period_days=period_days,
        active_days=active_days,
        totals=totals,
        metrics={name: decimal_text(values[name]) for name in METRIC_NAMES},
        lines=lines,
        service_charges=service_charges,
        bonus=bonus,
        penalties=penalties,
        penalties_uncapped=penalties_uncapped,
        penalty_cap=penalty_cap,
        adjustments=adjustment_total,
        net_before_adjustments=net_before_adjustments,
        net=net,
        tax=tax,
        total=total,
        kind="credit_note" if total < 0 else "invoice",
        scorecard=scorecard,
        incident_points=incident_points,
    )


# ---------------------------------------------------------------------------------------------
# the stored inputs (SPEC 5: "every invoice stores the inputs it was computed from")


def _text(value: Decimal) -> str:
    """Canonical text of a count-like decimal: equal values give equal text (1.50 → 1.5)."""
    return f"{value.normalize():f}" if value else "0"


def inputs_snapshot(
    doc_sha256: str,
    contract_version: int,
    computation: BillingComputation,
    incidents: Sequence[IncidentInput] = (),
    adjustments: Sequence[AdjustmentInput] = (),
) -> dict[str, Any]:
    """A JSON-able record of everything the invoice was computed from, decimals as strings.

    With the contract version (whose document `doc_sha256` identifies) it is enough to re-derive
    the invoice and explain it line by line. Only the period's incidents are recorded, as in
    `compute_invoice`.
    """
    period = parse_period(computation.period)
    totals = msgspec.to_builtins(computation.totals)
    for name, value in msgspec.structs.asdict(computation.totals).items():
        if isinstance(value, Decimal):
            totals[name] = _text(value)
    card = computation.scorecard
    return {
        "contract": {"version": contract_version, "document_sha256": doc_sha256},
        "period": computation.period,
        "period_days": computation.period_days,
        "active_days": computation.active_days,
        "totals": totals,
        "metrics": dict(computation.metrics),
        "scorecard": {
            "items": [
                {
                    "metric": item.metric,
                    "value": item.value,
                    "evaluated": item.evaluated,
                    "points": item.points,
                    "max_points": item.max_points,
                    "band_index": item.band_index,
                    "red_line_breached": item.red_line_breached,
                    "red_line_threshold": item.red_line_threshold,
                    "penalty_rate": item.penalty_rate,
                    "penalty": money_str(item.penalty),
                }
                for item in card.items
            ],
            "item_points": card.item_points,
            "incident_points": card.incident_points,
            "score": card.score,
            "max_points": card.max_points,
            "ratio": card.ratio,
            "pass_ratio": card.pass_ratio,
            "passed": card.passed,
        },
        "incidents": [
            {
                "ref": i.ref,
                "date": i.date.isoformat(),
                "kind": i.kind,
                "points": i.points,
                "penalty_amount": money_str(i.penalty_amount) if i.penalty_amount is not None else None,
                "note": i.note,
            }
            for i in _period_incidents(incidents, period)
        ],
        "adjustments": [
            {
                "period": a.period,
                "invoice_number": a.invoice_number,
                "recomputed_net": money_str(a.recomputed_net),
                "billed_net": money_str(a.billed_net),
            }
            for a in adjustments
        ],
    }


def canonical_inputs(snapshot: dict[str, Any]) -> bytes:
    """The snapshot's canonical JSON (keys sorted): what is stored, and what is hashed."""
    return msgspec.json.encode(snapshot, order="sorted")


def inputs_sha256(snapshot: dict[str, Any]) -> str:
    """SHA-256 of the snapshot's canonical JSON, printed on the invoice PDF."""
    return hashlib.sha256(canonical_inputs(snapshot)).hexdigest()
