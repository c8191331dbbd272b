"""Finance's month-end (`/billing`): close a period, review its drafts, issue one or all, the summary."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from vendor_ms.access import policy
from vendor_ms.api.auth import allow
from vendor_ms.api.params import CallerDep
from vendor_ms.billing.service import issue_invoice, list_invoices, run_billing
from vendor_ms.documents.render import render_pdf
from vendor_ms.domain.periods import parse_period
from vendor_ms.errors import FieldError, ValidationFailed
from vendor_ms.pagination import MAX_LIMIT, Window
from vendor_ms.reporting.service import summary_view
from vendor_ms.web.pages._common import last_month, page, see_other

PeriodQuery = Annotated[str | None, QueryParameter(name="period", required=False, max_length=12)]
Text = Annotated[str | None, QueryParameter(required=False, max_length=64)]


def _period(text: str | None) -> str:
    try:
        return parse_period(text or last_month()).label
    except ValueError as exc:
        raise ValidationFailed([FieldError("period", str(exc))]) from None


@get("/billing", opt=allow(policy.RUN_BILLING), include_in_schema=False)
async def billing(caller: CallerDep, period: PeriodQuery = None, run: Text = None, issued: Text = None) -> Template:
    label = _period(period)
    view = await summary_view(caller, label)
    drafts = [row for row in (await _drafts(caller, label))]
    return page("billing.html", caller, period=label, view=view, drafts=drafts, run=run, issued=issued)


async def _drafts(caller: Any, label: str) -> list[Any]:
    page_ = await list_invoices(caller, within=parse_period(label), status="draft", window=Window(MAX_LIMIT, 0))
    return list(page_.items)


@post("/billing/run", opt=allow(policy.RUN_BILLING), include_in_schema=False)
async def close_period(request: Request[Any, Any, Any], caller: CallerDep) -> Redirect:
    label = _period(str((await request.form()).get("period") or ""))
    result = await run_billing(caller, label)
    return see_other(f"/billing?period={label}&run={result.drafts}")


@post("/billing/issue", opt=allow(policy.ISSUE_INVOICE), include_in_schema=False)
async def issue_drafts(request: Request[Any, Any, Any], caller: CallerDep) -> Redirect:
    """Issue the drafts ticked on the page (one, or all), each in its own transaction as via the API."""
    form = await request.form()
    label = _period(str(form.get("period") or ""))
    ids = [int(v) for k, v in form.multi_items() if k == "invoice" and str(v).isdigit()]
    for invoice_id in ids:
        await issue_invoice(caller, invoice_id)
    return see_other(f"/billing?period={label}&issued={len(ids)}")


@get("/billing/summary.pdf", opt=allow(policy.FINANCE_SUMMARY), include_in_schema=False)
async def summary_pdf(caller: CallerDep, period: PeriodQuery = None) -> Response[bytes]:
    view = await summary_view(caller, _period(period))
    content = await asyncio.to_thread(render_pdf, "summary", view)
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="summary-{view.period_label}.pdf"'},
    )


ROUTES = [billing, close_period, issue_drafts, summary_pdf]
