"""Request and response Structs of billing: incidents, billing runs, invoices, scorecards."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

from vendor_ms.domain.billing import InvoiceLine, ScorecardResult

IncidentKind = Literal["complaint", "praise", "violation", "inspection"]
InvoiceStatus = Literal["draft", "issued", "paid", "void"]
InvoiceKind = Literal["invoice", "credit_note"]
PeriodText = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^\d{4}-(\d{2}|W\d{2}|\d{2}-\d{2})$",
        description="a month 2026-10, an ISO week 2026-W44 or a day 2026-10-31",
        examples=["2026-10"],
    ),
]
Money = Annotated[
    str,
    msgspec.Meta(pattern=r"^\d{1,13}(\.\d{1,2})?$", description="CNY as a decimal string", examples=["200.00"]),
]


class IncidentIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    contract: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    date: date
    kind: IncidentKind
    points: Annotated[int, msgspec.Meta(ge=-1000, le=1000)] = 0
    account: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None
    penalty_amount: Money | None = None
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    evidence_url: Annotated[str, msgspec.Meta(max_length=2000, pattern=r"^https?://\S+$")] | None = None


class IncidentOut(msgspec.Struct, kw_only=True):
    id: int
    contract: str
    date: date
    kind: str
    points: int
    account: str | None
    penalty_amount: Decimal | None
    note: str
    evidence_url: str | None
    created_at: datetime
    created_by: str


class BillingRunIn(msgspec.Struct, forbid_unknown_fields=True):
    period: PeriodText


class BillingRunOut(msgspec.Struct, kw_only=True):
    id: int
    period: str
    contracts: int
    drafts: int
    skipped_issued: int
    invoice_ids: list[int]
    started_at: datetime
    finished_at: datetime | None


class VoidIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class InvoiceSummary(msgspec.Struct, kw_only=True):
    id: int
    number: str | None
    contract: str
    shop: str
    vendor: str
    period: str
    status: InvoiceStatus
    kind: InvoiceKind
    net: Decimal
    tax: Decimal
    total: Decimal


class InvoiceOut(InvoiceSummary, kw_only=True):
    contract_version: int
    period_start: date
    period_end: date
    lines: list[InvoiceLine]
    service_charges: Decimal
    bonus: Decimal
    penalties: Decimal
    adjustments: Decimal
    scorecard: ScorecardResult
    inputs: dict[str, Any]
    inputs_sha256: str
    credit_note_for: str | None
    void_reason: str
    created_at: datetime
    issued_at: datetime | None
    paid_at: datetime | None
    voided_at: datetime | None
    pdf_sha256: str | None


class ScorecardOut(msgspec.Struct, kw_only=True):
    """The live scorecard of a contract and period: the same shape as an invoice's scorecard."""

    contract: str
    period: str
    contract_version: int
    active_days: int
    metrics: dict[str, str | None]
    scorecard: ScorecardResult
