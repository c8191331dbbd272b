"""Billing: one contract, one period, one invoice (SPEC section 5), computed to the fen.

Pure: `Decimal` and `Fraction` only, no database, no clock, no I/O. The caller supplies the
contract document, the period, the summed performance counts of the period (SQL has already
taken the latest revision of every record and counted the seat-days), the period's incidents and
any adjustments for earlier periods; `compute_invoice` returns every amount and every invoice line.

Arithmetic: every product is an exact Decimal product (`round2_mul` traps any inexact step)
and every proration and the bonus an exact ratio of integers, each rounded once (ROUND_HALF_UP
to 0.01) exactly where SPEC 5 says `round2`, nowhere else. Threshold comparisons (bands, red
lines, the pass ratio) compare the metric's exact ratio with the written Decimal's, by integer
cross-multiplication; never floating point. What depends on the contract alone is compiled once
into a `BillingPlan`, which a billing run keeps per contract version.

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
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import msgspec

from vendor_ms.domain.contract import ContractDocument, Scorecard
from vendor_ms.domain.metrics import RECORD_FIELDS, PerformanceTotals, metric_ratios, ratio_text
from vendor_ms.domain.money import ZERO, from_fen, money_str, round2_mul, round_ratio, to_fen
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


def _prorated(amount: tuple[int, int], active_days: int, period_days: int) -> Decimal:
    """round2(amount × active_days / period_days), exactly, from the amount's integer ratio."""
    return round_ratio(amount[0] * active_days, amount[1] * period_days, 2)


def _days(active_days: int, period_days: int) -> str:
    return f"{active_days}/{period_days} days"


# ---------------------------------------------------------------------------------------------
# the contract compiled for billing: thresholds as integer ratios, texts written once
#
# A billing run computes thousands of invoices under a few hundred contract versions; what only
# depends on the document is worked out once per version, and comparisons of a metric
# (numerator/denominator, from `metric_ratio`) with a written threshold t = p/q are exact
# integer cross-multiplications (denominators are positive), never floating point.


@dataclass(frozen=True, slots=True)
class _BandPlan:
    at_least: bool  # else at_most
    p: int
    q: int
    points: int

    def met(self, n: int, d: int) -> bool:
        return n * self.q >= self.p * d if self.at_least else n * self.q <= self.p * d


@dataclass(frozen=True, slots=True)
class _RedLinePlan:
    below: bool  # else above
    p: int
    q: int
    rate: Decimal
    rate_text: str
    threshold_text: str

    def breached(self, n: int, d: int) -> bool:
        return n * self.q < self.p * d if self.below else n * self.q > self.p * d

    @property
    def label(self) -> str:
        """`< 0.80` or `> 0.02`, for the penalty line's description."""
        return f"{'<' if self.below else '>'} {self.threshold_text}"


@dataclass(frozen=True, slots=True)
class _ItemPlan:
    metric: str
    bands: tuple[_BandPlan, ...]  # written order: the first met wins
    red_lines: tuple[_RedLinePlan, ...]  # largest penalty_rate first, written order among equals
    max_points: int

    def band_met(self, n: int, d: int) -> int | None:
        """The index of the first band (in written order) that n/d meets."""
        for j, band in enumerate(self.bands):
            if band.met(n, d):
                return j
        return None

    def applied_red_line(self, n: int, d: int) -> _RedLinePlan | None:
        """The breached red line with the largest penalty_rate (the first written among equals)."""
        for line in self.red_lines:
            if line.breached(n, d):
                return line
        return None


@dataclass(frozen=True, slots=True)
class _TierPlan:
    number: int  # 1-based, as printed
    lower: int  # graduated: the tier covers (lower, upper]
    upper: int | None  # None: open-ended (the last tier absorbs any excess)
    up_to: int | None  # as written, for volume pricing
    unit_price: Decimal
    price_text: str


@dataclass(frozen=True, slots=True)
class ScorecardPlan:
    items: tuple[_ItemPlan, ...]
    pass_ratio: tuple[int, int]
    pass_ratio_text: str

    @classmethod
    def of(cls, scorecard: Scorecard) -> ScorecardPlan:
        items = []
        for item in scorecard.metric_items:  # graded and deductions items: scored per SPEC 15 later
            bands = tuple(
                _BandPlan(b.at_least is not None, *b.threshold.as_integer_ratio(), b.points) for b in item.bands
            )
            ranked = sorted(enumerate(item.red_lines), key=lambda pair: (-pair[1].penalty_rate, pair[0]))
            red_lines = tuple(
                _RedLinePlan(
                    line.below is not None,
                    *line.threshold.as_integer_ratio(),
                    line.penalty_rate,
                    _dec(line.penalty_rate),
                    _dec(line.threshold),
                )
                for _, line in ranked
            )
            items.append(_ItemPlan(item.metric, bands, red_lines, item.max_points))
        return cls(tuple(items), scorecard.pass_ratio.as_integer_ratio(), _dec(scorecard.pass_ratio))

    def evaluate(
        self,
        ratios: dict[str, tuple[int, int] | None],
        texts: dict[str, str | None],
        incident_points: int,
        service_charges: Decimal | None,
    ) -> ScorecardResult:
        """Points, score and ratio; breached red lines priced when `service_charges` is given."""
        items: list[ScorecardItemResult] = []
        item_points = max_points = 0
        for item in self.items:
            ratio = ratios[item.metric]
            if ratio is None:
                items.append(_unevaluated(item.metric))
                continue
            n, d = ratio
            band_index = item.band_met(n, d)
            points = item.bands[band_index].points if band_index is not None else 0
            applied = item.applied_red_line(n, d)
            items.append(
                ScorecardItemResult(
                    metric=item.metric,
                    value=texts[item.metric],
                    evaluated=True,
                    points=points,
                    max_points=item.max_points,
                    band_index=band_index,
                    red_line_breached=applied is not None,
                    red_line_threshold=applied.threshold_text if applied is not None else None,
                    penalty_rate=applied.rate_text if applied is not None else None,
                    penalty=round2_mul(service_charges, applied.rate)
                    if applied is not None and service_charges is not None
                    else ZERO,
                )
            )
            item_points += points
            max_points += item.max_points
        score = min(max(item_points + incident_points, 0), max_points)
        p, q = self.pass_ratio
        return ScorecardResult(
            items=items,
            item_points=item_points,
            incident_points=incident_points,
            score=score,
            max_points=max_points,
            ratio=ratio_text((score, max_points)) if max_points else None,
            pass_ratio=self.pass_ratio_text,
            passed=max_points > 0 and score * q >= p * max_points,
        )


def _unevaluated(metric: str) -> ScorecardItemResult:
    return ScorecardItemResult(
        metric=metric,
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


@dataclass(frozen=True, slots=True)
class _PlanTexts:
    """Amounts as printed on lines (two decimals) and rates as written."""

    base_fee: str
    seat_day_fee: str
    minimum_fee: str
    commission_rate: str
    bonus_pool: str
    cap_rate: str  # "" without a cap


@dataclass(frozen=True, slots=True)
class BillingPlan:
    """A contract document compiled for billing. Pure and immutable: whoever bills many invoices
    under one contract version keeps it (the billing service caches it by the version's SHA-256)."""

    document: ContractDocument
    scorecard: ScorecardPlan
    volume: bool
    tiers: tuple[_TierPlan, ...]
    base_fee: tuple[int, int]
    minimum_fee: tuple[int, int]
    bonus_pool: tuple[int, int]
    texts: _PlanTexts

    @classmethod
    def of(cls, doc: ContractDocument) -> BillingPlan:
        pricing = doc.pricing
        volume = pricing.consultation_tier_mode == "volume"
        tiers: list[_TierPlan] = []
        lower = 0
        for i, tier in enumerate(pricing.consultation_tiers):
            # Graduated: the last tier absorbs any excess over its up_to (see the module docstring).
            upper = None if volume or i == len(pricing.consultation_tiers) - 1 else tier.up_to
            tiers.append(_TierPlan(i + 1, lower, upper, tier.up_to, tier.unit_price, _dec(tier.unit_price)))
            if upper is None and not volume:
                break
            lower = upper or 0
        texts = _PlanTexts(
            base_fee=money_str(pricing.base_fee),
            seat_day_fee=money_str(pricing.seat_day_fee),
            minimum_fee=money_str(pricing.minimum_fee),
            commission_rate=_dec(pricing.commission_rate),
            bonus_pool=money_str(doc.scorecard.bonus_pool),
            cap_rate=_dec(doc.penalties.cap_rate) if doc.penalties.cap_rate is not None else "",
        )
        return cls(
            document=doc,
            scorecard=ScorecardPlan.of(doc.scorecard),
            volume=volume,
            tiers=tuple(tiers),
            base_fee=pricing.base_fee.as_integer_ratio(),
            minimum_fee=pricing.minimum_fee.as_integer_ratio(),
            bonus_pool=doc.scorecard.bonus_pool.as_integer_ratio(),
            texts=texts,
        )


# ---------------------------------------------------------------------------------------------
# service charges (SPEC 5.3)


def _consultation_lines(plan: BillingPlan, consultations: int) -> list[InvoiceLine]:
    if not plan.tiers or consultations <= 0:
        return []
    if plan.volume:
        # The first tier whose up_to ≥ total prices every consultation; beyond the table, the last.
        tier = next((t for t in plan.tiers if t.up_to is None or t.up_to >= consultations), plan.tiers[-1])
        amount = round2_mul(consultations, tier.unit_price)
        if not amount:
            return []
        return [
            InvoiceLine(
                kind="consultations",
                description=f"咨询量 consultations, volume tier {tier.number}: {consultations} × {tier.price_text}",
                amount=amount,
                quantity=str(consultations),
                unit_price=tier.price_text,
            )
        ]
    lines: list[InvoiceLine] = []
    for tier in plan.tiers:
        upper = tier.upper
        count = (consultations if upper is None else min(consultations, upper)) - tier.lower
        if count <= 0:
            break
        amount = round2_mul(count, tier.unit_price)
        if amount:
            span = f"{tier.lower + 1}+" if upper is None else f"{tier.lower + 1}–{upper}"
            lines.append(
                InvoiceLine(
                    kind="consultations",
                    description=f"咨询量 consultations, tier {tier.number} ({span}): {count} × {tier.price_text}",
                    amount=amount,
                    quantity=str(count),
                    unit_price=tier.price_text,
                )
            )
    return lines


def _service_lines(
    plan: BillingPlan, totals: PerformanceTotals, active_days: int, period_days: int
) -> list[InvoiceLine]:
    """Lines of amount 0 are left out."""
    pricing, texts = plan.document.pricing, plan.texts
    lines: list[InvoiceLine] = []
    days = _days(active_days, period_days)
    base = _prorated(plan.base_fee, active_days, period_days)
    if base:
        lines.append(
            InvoiceLine(
                kind="base",
                description=f"基本服务费 base fee ({days})",
                amount=base,
                quantity=f"{active_days}/{period_days}",
                unit_price=texts.base_fee,
            )
        )
    lines.extend(_consultation_lines(plan, totals.consultations))
    seats = round2_mul(totals.seat_days, pricing.seat_day_fee)
    if seats:
        lines.append(
            InvoiceLine(
                kind="seats",
                description=f"坐席费 seat-days: {totals.seat_days} × {texts.seat_day_fee}",
                amount=seats,
                quantity=str(totals.seat_days),
                unit_price=texts.seat_day_fee,
            )
        )
    commission = round2_mul(totals.sales_amount, pricing.commission_rate)
    if commission:
        sales = money_str(totals.sales_amount)
        lines.append(
            InvoiceLine(
                kind="commission",
                description=f"询单转化提成 commission: {sales} × {texts.commission_rate}",
                amount=commission,
                quantity=sales,
                unit_price=texts.commission_rate,
            )
        )
    subtotal = sum((line.amount for line in lines), ZERO)
    minimum = _prorated(plan.minimum_fee, active_days, period_days)
    if subtotal < minimum:
        lines.append(
            InvoiceLine(
                kind="minimum_top_up",
                description=(
                    f"保底补足 minimum fee top-up: {money_str(minimum)} − {money_str(subtotal)} "
                    f"(minimum {texts.minimum_fee} × {days})"
                ),
                amount=minimum - subtotal,
                unit_price=texts.minimum_fee,
            )
        )
    return lines


# ---------------------------------------------------------------------------------------------
# scorecard (SPEC 5.4) and red lines (SPEC 5.6)


def _ratios(values: dict[str, Fraction | None]) -> dict[str, tuple[int, int] | None]:
    return {name: (v.numerator, v.denominator) if v is not None else None for name, v in values.items()}


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
    ratios = _ratios(values) if values is not None else metric_ratios(totals)
    texts = {name: ratio_text(r) for name, r in ratios.items()}
    return ScorecardPlan.of(scorecard).evaluate(ratios, texts, incident_points, None)


def apply_red_line_penalties(result: ScorecardResult, service_charges: Decimal) -> ScorecardResult:
    """The same result with each breached item's penalty: round2(service_charges × penalty_rate)."""
    items = [
        msgspec.structs.replace(item, penalty=round2_mul(service_charges, Decimal(item.penalty_rate)))
        if item.penalty_rate is not None
        else item
        for item in result.items
    ]
    return msgspec.structs.replace(result, items=items)


def _period_incidents(incidents: Sequence[IncidentInput], period: Period) -> list[IncidentInput]:
    """Only the period's own incidents count (defensively, whatever the caller passed), in a
    fixed order (date, ref) so that re-running a billing run gives the same lines."""
    if not incidents:
        return []
    return sorted((i for i in incidents if i.date in period), key=lambda i: (i.date, i.ref))


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
    *,
    plan: BillingPlan | None = None,
) -> BillingComputation | None:
    """Every amount and line of the contract's invoice for `period`; None without an active day.

    `plan` is `BillingPlan.of(doc)` when the caller keeps one (billing many invoices).
    """
    period_days = period.days
    active_days = period.active_days(doc.starts_on, doc.ends_on)
    if active_days <= 0:
        return None
    if plan is None or plan.document is not doc:
        plan = BillingPlan.of(doc)
    incidents = _period_incidents(incidents, period)

    lines = _service_lines(plan, totals, active_days, period_days)
    service_charges = sum((line.amount for line in lines), ZERO)

    incident_points = sum(i.points for i in incidents)
    ratios = metric_ratios(totals)  # once per invoice: every later step reads these
    texts = {name: ratio_text(ratio) for name, ratio in ratios.items()}
    scorecard = plan.scorecard.evaluate(ratios, texts, incident_points, service_charges)

    # Bonus (5.5): bonus_pool × score/max_points × active_days/period_days, exact, rounded once.
    bonus = ZERO
    if scorecard.passed:
        pool_p, pool_q = plan.bonus_pool
        bonus = round_ratio(pool_p * scorecard.score * active_days, pool_q * scorecard.max_points * period_days, 2)
    if bonus:
        lines.append(
            InvoiceLine(
                kind="bonus",
                description=(
                    f"绩效奖金 performance bonus: {plan.texts.bonus_pool} × "
                    f"{scorecard.score}/{scorecard.max_points} × {_days(active_days, period_days)}"
                ),
                amount=bonus,
                quantity=f"{scorecard.score}/{scorecard.max_points}",
                unit_price=plan.texts.bonus_pool,
            )
        )

    # Penalties (5.6): red lines, then incidents' fixed amounts, then the cap.
    for item_plan, item in zip(plan.scorecard.items, scorecard.items, strict=True):
        ratio = ratios[item.metric]
        if item.penalty and ratio is not None:
            applied = item_plan.applied_red_line(*ratio)
            assert applied is not None
            lines.append(
                InvoiceLine(
                    kind="penalty",
                    description=(
                        f"红线扣款 red line {item.metric} {applied.label}: "
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
        penalty_cap = round2_mul(service_charges, doc.penalties.cap_rate)
        if penalties_uncapped > penalty_cap:
            penalties = penalty_cap
            # Give back what the cap forgives, so the lines still sum to the net.
            lines.append(
                InvoiceLine(
                    kind="penalty_cap",
                    description=(
                        f"扣款封顶 penalty cap: {money_str(service_charges)} × "
                        f"{plan.texts.cap_rate} = {money_str(penalty_cap)}"
                    ),
                    amount=penalties_uncapped - penalty_cap,
                    quantity=money_str(service_charges),
                    unit_price=plan.texts.cap_rate,
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
    tax = round2_mul(net, doc.tax_rate)
    total = net + tax
    assert sum((line.amount for line in lines), ZERO) == net, "invoice lines must sum to the net"
    return BillingComputation(
        period=period.label,
        period_days=period_days,
        active_days=active_days,
        totals=totals,
        metrics=texts,
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


_DECIMAL_TOTALS = tuple(f.name for f in RECORD_FIELDS if f.kind == "decimal")


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
    totals = msgspec.to_builtins(computation.totals)
    for name in _DECIMAL_TOTALS:
        totals[name] = _text(getattr(computation.totals, name))
    return {
        "contract": {"version": contract_version, "document_sha256": doc_sha256},
        "period": computation.period,
        "period_days": computation.period_days,
        "active_days": computation.active_days,
        "totals": totals,
        "metrics": computation.metrics,
        # The scorecard as its Struct encodes (penalties are amounts of two decimals, as text).
        "scorecard": msgspec.to_builtins(computation.scorecard),
        "incidents": [
            {
                "ref": i.ref,
                "date": i.date.isoformat(),
                "kind": i.kind,
                "points": i.points,
                "penalty_amount": money_str(i.penalty_amount) if i.penalty_amount is not None else None,
                "note": i.note,
            }
            for i in (_period_incidents(incidents, parse_period(computation.period)) if incidents else ())
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
