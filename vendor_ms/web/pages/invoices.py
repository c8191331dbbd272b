"""Invoices: the list in scope, one invoice as a page, its PDF; finance's issue, pay and void."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from vendor_ms.access import policy
from vendor_ms.api.auth import allow
from vendor_ms.api.params import CallerDep, Offset, PathInt
from vendor_ms.billing.service import invoice_pdf, issue_invoice, list_invoices, pay_invoice, void_invoice
from vendor_ms.pagination import Window
from vendor_ms.reporting.service import invoice_document
from vendor_ms.web.pages._common import page, see_other

PAGE_SIZE = 100
Text = Annotated[str | None, QueryParameter(required=False, max_length=64)]


@get("/invoices", opt=allow(policy.READ_INVOICES), include_in_schema=False)
async def invoices(
    caller: CallerDep, period: Text = None, status: Text = None, contract: Text = None, offset: Offset = 0
) -> Template:
    found = await list_invoices(
        caller, period=period, status=status, contract=contract, window=Window(PAGE_SIZE, offset)
    )
    filters = {"period": period or "", "status": status or "", "contract": contract or ""}
    return page("invoices.html", caller, invoices=found, filters=filters, offset=offset, page_size=PAGE_SIZE)


@get("/invoices/{invoice_id:int}", opt=allow(policy.READ_INVOICES), include_in_schema=False)
async def invoice(caller: CallerDep, invoice_id: PathInt) -> Template:
    record, view = await invoice_document(caller, invoice_id)
    return page("invoice.html", caller, invoice=record, view=view)


@get("/invoices/{invoice_id:int}/pdf", opt=allow(policy.READ_INVOICES), include_in_schema=False)
async def pdf(caller: CallerDep, invoice_id: PathInt) -> Response[bytes]:
    content, record = await invoice_pdf(caller, invoice_id)
    name = record.number or f"draft-{record.id}"
    return Response(
        content, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'}
    )


@post("/invoices/{invoice_id:int}/issue", opt=allow(policy.ISSUE_INVOICE), include_in_schema=False)
async def issue(caller: CallerDep, invoice_id: PathInt) -> Redirect:
    await issue_invoice(caller, invoice_id)
    return see_other(f"/invoices/{invoice_id}")


@post("/invoices/{invoice_id:int}/pay", opt=allow(policy.PAY_INVOICE), include_in_schema=False)
async def pay(caller: CallerDep, invoice_id: PathInt) -> Redirect:
    await pay_invoice(caller, invoice_id)
    return see_other(f"/invoices/{invoice_id}")


@post("/invoices/{invoice_id:int}/void", opt=allow(policy.VOID_INVOICE), include_in_schema=False)
async def void(request: Request[Any, Any, Any], caller: CallerDep, invoice_id: PathInt) -> Redirect:
    reason = str((await request.form()).get("reason") or "")
    note = await void_invoice(caller, invoice_id, reason)
    return see_other(f"/invoices/{note.id}")


ROUTES = [invoices, invoice, pdf, issue, pay, void]
