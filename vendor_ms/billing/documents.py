"""Invoice documents: the stored invoice plus its contract version make the printed view.

The view model and the renderer live in `vendor_ms.documents`; this module only gathers what
an invoice row stores (amounts, lines, scorecard, inputs) and the contract version it was billed
under, and renders off the event loop.
"""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from vendor_ms.billing.schemas import InvoiceOut
from vendor_ms.db.tables import ContractVersion
from vendor_ms.documents.build import adjustments_from_inputs, invoice_view_from_record
from vendor_ms.documents.render import render_pdf
from vendor_ms.documents.views import InvoiceView
from vendor_ms.domain.contract import ContractDocument, from_canonical_json
from vendor_ms.errors import NotFound

ISSUE_TIMEZONE = ZoneInfo("Asia/Shanghai")


async def contract_version_document(contract_code: str, version: int) -> ContractDocument:
    row = (
        await ContractVersion.select(ContractVersion.document)
        .where(ContractVersion.contract.code == contract_code, ContractVersion.version == version)
        .first()
    )
    if row is None:
        raise NotFound(f"contract {contract_code!r} has no version {version}")
    return from_canonical_json(row["document"])


def invoice_view(invoice: InvoiceOut, doc: ContractDocument) -> InvoiceView:
    """The printed invoice (or credit note) of a stored invoice."""
    reversal = invoice.credit_note_for is not None  # a void's credit note: no scorecard to repeat
    return invoice_view_from_record(
        doc,
        number=invoice.number,
        status=invoice.status,
        kind=invoice.kind,
        period=invoice.period,
        lines=invoice.lines,
        service_charges=invoice.service_charges,
        bonus=invoice.bonus,
        penalties=invoice.penalties,
        adjustments=invoice.adjustments,
        net=invoice.net,
        tax=invoice.tax,
        total=invoice.total,
        scorecard=None if reversal else invoice.scorecard,
        inputs_sha256=invoice.inputs_sha256,
        adjustments_detail=[] if reversal else adjustments_from_inputs(invoice.inputs),
        issue_date=invoice.issued_at.astimezone(ISSUE_TIMEZONE).date() if invoice.issued_at else None,
        credit_note_for=invoice.credit_note_for,
        void_reason=invoice.void_reason or None,
    )


async def render_invoice_pdf(invoice: InvoiceOut) -> bytes:
    doc = await contract_version_document(invoice.contract, invoice.contract_version)
    # WeasyPrint is CPU-bound for a fraction of a second: keep the event loop serving meanwhile.
    return await asyncio.to_thread(render_pdf, "invoice", invoice_view(invoice, doc))
