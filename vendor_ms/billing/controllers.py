"""HTTP routes of billing: incidents, billing runs, invoices, live scorecards."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.params import JSONBody, QueryParameter

from vendor_ms import exports
from vendor_ms.api.auth import ALL_ROLES, roles
from vendor_ms.api.params import CallerDep, Limit, Offset, PathInt, PathStr
from vendor_ms.billing import service
from vendor_ms.billing.schemas import (
    BillingRunIn,
    BillingRunOut,
    IncidentIn,
    IncidentOut,
    InvoiceOut,
    InvoiceStatus,
    InvoiceSummary,
    ScorecardOut,
    VoidIn,
)
from vendor_ms.pagination import Page, Window

PeriodQuery = Annotated[
    str | None,
    QueryParameter(name="period", description="2026-10, 2026-W44 or 2026-10-31", required=False, max_length=12),
]


class IncidentController(Controller):
    path = "/incidents"
    tags = ["incidents"]

    @post("/", opt=roles("admin", "shop_owner"), summary="Record an incident (complaint, praise, violation, QA check)")
    async def create(self, caller: CallerDep, data: JSONBody[IncidentIn]) -> IncidentOut:
        return await service.record_incident(caller, data)

    @get("/", opt=roles(*ALL_ROLES), summary="Incidents in the caller's scope")
    async def list(
        self,
        caller: CallerDep,
        contract: Annotated[str | None, QueryParameter(name="contract", required=False, max_length=64)] = None,
        period: PeriodQuery = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[IncidentOut]:
        return await service.list_incidents(caller, contract=contract, period=period, window=Window(limit, offset))


class BillingRunController(Controller):
    path = "/billing-runs"
    tags = ["billing"]

    @post("/", opt=roles("admin", "finance"), summary="Compute drafts for every contract of a period, atomically")
    async def create(self, caller: CallerDep, data: JSONBody[BillingRunIn]) -> BillingRunOut:
        return await service.run_billing(caller, data.period)


class InvoiceController(Controller):
    path = "/invoices"
    tags = ["invoices"]

    @get("/", opt=roles(*ALL_ROLES), summary="Invoices and credit notes in the caller's scope")
    async def list(
        self,
        caller: CallerDep,
        period: PeriodQuery = None,
        contract: Annotated[str | None, QueryParameter(name="contract", required=False, max_length=64)] = None,
        status: Annotated[InvoiceStatus | None, QueryParameter(name="status", required=False)] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[InvoiceSummary]:
        return await service.list_invoices(
            caller, period=period, contract=contract, status=status, window=Window(limit, offset)
        )

    @get("/{invoice_id:int}", opt=roles(*ALL_ROLES), summary="One invoice with lines, scorecard and inputs")
    async def detail(self, caller: CallerDep, invoice_id: PathInt) -> InvoiceOut:
        return await service.get_invoice(caller, invoice_id)

    @get(
        "/{invoice_id:int}/pdf",
        opt=roles(*ALL_ROLES),
        summary="The invoice PDF: the stored bytes once issued, a 草稿 DRAFT rendering before",
        media_type="application/pdf",
    )
    async def pdf(self, caller: CallerDep, invoice_id: PathInt) -> Response[bytes]:
        content, invoice = await service.invoice_pdf(caller, invoice_id)
        name = invoice.number or f"draft-{invoice.id}"
        return Response(
            content,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
        )

    @post("/{invoice_id:int}/issue", opt=roles("admin", "finance"), status_code=200, summary="draft → issued")
    async def issue(self, caller: CallerDep, invoice_id: PathInt) -> InvoiceOut:
        return await service.issue_invoice(caller, invoice_id)

    @post("/{invoice_id:int}/pay", opt=roles("admin", "finance"), status_code=200, summary="issued → paid")
    async def pay(self, caller: CallerDep, invoice_id: PathInt) -> InvoiceOut:
        return await service.pay_invoice(caller, invoice_id)

    @post(
        "/{invoice_id:int}/void",
        opt=roles("admin", "finance"),
        status_code=201,
        summary="issued|paid → void; answers the credit note that reverses it",
    )
    async def void(self, caller: CallerDep, invoice_id: PathInt, data: JSONBody[VoidIn]) -> InvoiceOut:
        return await service.void_invoice(caller, invoice_id, data.reason)


class ScorecardController(Controller):
    path = "/contracts/{code:str}/scorecard"
    tags = ["billing"]

    @get("/", opt=roles(*ALL_ROLES), summary="The live scorecard of any period, open or closed")
    async def live(self, caller: CallerDep, code: PathStr, period: PeriodQuery = None) -> ScorecardOut:
        return await service.live_scorecard(caller, code, period)


class InvoiceExportController(Controller):
    """The invoice list as a spreadsheet (formula-safe CSV, see `vendor_ms.exports`)."""

    path = "/invoices.csv"
    tags = ["invoices"]

    @get(
        "/",
        opt=roles(*ALL_ROLES),
        media_type="text/csv",  # Litestar adds "; charset=utf-8" to text types
        summary="Invoices and credit notes in the caller's scope, as CSV (UTF-8 with BOM)",
        description="The same scope and filters as `GET /api/v1/invoices`, every row (no paging). Columns: "
        "number, contract, title, shop, shop_name, vendor, vendor_name, period, status, kind, net, tax, total. "
        "Text cells that a spreadsheet would run as a formula (starting with =, +, -, @) get a leading `'`; "
        "amounts stay numbers.",
    )
    async def export(
        self,
        caller: CallerDep,
        period: PeriodQuery = None,
        contract: Annotated[str | None, QueryParameter(name="contract", required=False, max_length=64)] = None,
        status: Annotated[InvoiceStatus | None, QueryParameter(name="status", required=False)] = None,
    ) -> Response[bytes]:
        content = await exports.invoices_csv(caller, period=period, contract=contract, status=status)
        name = "invoices" + (f"-{period}" if period else "")
        return Response(
            content,
            media_type="text/csv",  # Litestar adds "; charset=utf-8" to text types
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
