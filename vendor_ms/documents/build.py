"""Views from domain results: a contract document plus its billed amounts make an invoice view.

The billing services call `invoice_view_from_record` with what an invoice row stores (and the
contract version it was computed under); the samples call `invoice_view` with freshly computed
invoices. Pure: no database, no clock (dates are passed in).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from vendor_ms.documents import formatting as fmt
from vendor_ms.documents.views import (
    AdjustmentView,
    InvoiceKind,
    InvoiceLineView,
    InvoiceStatus,
    InvoiceView,
    ScoreItemView,
    ScoreView,
)
from vendor_ms.domain.billing import AdjustmentInput, BillingComputation, InvoiceLine, ScorecardResult
from vendor_ms.domain.capitals import capital_amount
from vendor_ms.domain.contract import ContractDocument, Scorecard
from vendor_ms.domain.metrics import METRICS
from vendor_ms.domain.periods import parse_period


def _dec(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def score_view(scorecard: Scorecard, result: ScorecardResult) -> ScoreView:
    """The evaluated scorecard with the bands and red lines it was evaluated against."""
    items: list[ScoreItemView] = []
    for written, item in zip(scorecard.metric_items, result.items, strict=True):
        value = _dec(item.value)
        breached_text = ""
        if item.red_line_breached and item.red_line_threshold is not None:
            line = next(
                (rl for rl in written.red_lines if f"{rl.threshold:f}" == item.red_line_threshold),
                None,
            )
            if line is not None:
                breached_text = fmt.red_lines_text(item.metric, [line])
        items.append(
            ScoreItemView(
                metric=item.metric,
                metric_zh=METRICS[item.metric].zh,
                value=value,
                value_text=fmt.metric_text(item.metric, value),
                bands_text=fmt.bands_text(item.metric, written.bands),
                red_line_text=fmt.red_lines_text(item.metric, written.red_lines),
                points=item.points,
                max_points=item.max_points,
                breached=item.red_line_breached,
                breached_text=breached_text,
                penalty=item.penalty,
            )
        )
    return ScoreView(
        items=items,
        item_points=result.item_points,
        incident_points=result.incident_points,
        score=result.score,
        max_points=result.max_points,
        ratio=_dec(result.ratio),
        pass_ratio=Decimal(result.pass_ratio),
        passed=result.passed,
    )


def invoice_view(
    doc: ContractDocument,
    computation: BillingComputation,
    *,
    number: str | None,
    status: InvoiceStatus,
    issue_date: date | None,
    inputs_sha256: str,
    adjustments: Sequence[AdjustmentInput] = (),
    credit_note_for: str | None = None,
    void_reason: str | None = None,
) -> InvoiceView:
    """The invoice of a fresh `computation`; `doc` is the contract version it was billed under."""
    return invoice_view_from_record(
        doc,
        number=number,
        status=status,
        kind="credit_note" if computation.kind == "credit_note" else "invoice",
        period=computation.period,
        lines=computation.lines,
        service_charges=computation.service_charges,
        bonus=computation.bonus,
        penalties=computation.penalties,
        adjustments=computation.adjustments,
        net=computation.net,
        tax=computation.tax,
        total=computation.total,
        scorecard=computation.scorecard,
        adjustments_detail=[
            AdjustmentView(
                period=a.period,
                invoice_number=a.invoice_number,
                amount=a.amount,
                recomputed_net=a.recomputed_net,
                billed_net=a.billed_net,
            )
            for a in adjustments
            if a.amount
        ],
        inputs_sha256=inputs_sha256,
        issue_date=issue_date,
        credit_note_for=credit_note_for,
        void_reason=void_reason,
    )


def adjustments_from_inputs(inputs: Mapping[str, Any]) -> list[AdjustmentView]:
    """The adjustments recorded in an invoice's stored inputs (`domain.billing.inputs_snapshot`)."""
    views = []
    for a in inputs.get("adjustments", []):
        recomputed, billed = Decimal(a["recomputed_net"]), Decimal(a["billed_net"])
        if recomputed != billed:
            views.append(
                AdjustmentView(
                    period=a["period"],
                    invoice_number=a["invoice_number"],
                    amount=recomputed - billed,
                    recomputed_net=recomputed,
                    billed_net=billed,
                )
            )
    return views


def invoice_view_from_record(
    doc: ContractDocument,
    *,
    number: str | None,
    status: InvoiceStatus,
    kind: InvoiceKind,
    period: str,
    lines: Sequence[InvoiceLine],
    service_charges: Decimal,
    bonus: Decimal,
    penalties: Decimal,
    adjustments: Decimal,
    net: Decimal,
    tax: Decimal,
    total: Decimal,
    scorecard: ScorecardResult | None,
    inputs_sha256: str,
    adjustments_detail: Sequence[AdjustmentView] = (),
    issue_date: date | None = None,
    credit_note_for: str | None = None,
    void_reason: str | None = None,
) -> InvoiceView:
    """The invoice as printed, from what an invoice row stores (amounts, lines, scorecard result).

    For a stored invoice: `inputs_sha256` is `domain.billing.inputs_sha256(inputs)` and
    `adjustments_detail` is `adjustments_from_inputs(inputs)`. `scorecard` None leaves the
    scorecard out (a credit note reversing an invoice need not repeat it).
    """
    parsed = parse_period(period)
    return InvoiceView(
        number=number,
        status=status,
        kind=kind,
        contract_code=doc.code,
        contract_title=doc.title,
        shop_name=doc.shop.name,
        shop_platform=doc.shop.platform,
        vendor_name=doc.vendor.name,
        period_label=parsed.label,
        period_start=parsed.start,
        period_end=parsed.end,
        issue_date=issue_date,
        lines=[
            InvoiceLineView(
                kind=line.kind,
                description=line.description,
                amount=line.amount,
                quantity=line.quantity,
                unit_price=line.unit_price,
            )
            for line in lines
        ],
        service_charges=service_charges,
        bonus=bonus,
        penalties=penalties,
        adjustments=adjustments,
        net=net,
        tax_rate=doc.tax_rate,
        tax=tax,
        total=total,
        total_in_capitals=capital_amount(total),
        scorecard=score_view(doc.scorecard, scorecard) if scorecard is not None and doc.scorecard.items else None,
        adjustments_detail=list(adjustments_detail),
        inputs_sha256=inputs_sha256,
        credit_note_for=credit_note_for,
        void_reason=void_reason or None,
    )
