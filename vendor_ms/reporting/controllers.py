"""PDF routes of the scorecard, comparison and finance summary (invoice PDFs: billing)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from litestar import Controller, Response, get
from litestar.params import QueryParameter

from vendor_ms.access import policy
from vendor_ms.api.auth import allow
from vendor_ms.api.params import CallerDep, PathStr
from vendor_ms.documents.render import render_pdf
from vendor_ms.reporting import service

Period = Annotated[str, QueryParameter(name="period", max_length=12, description="2026-10, 2026-W44 or 2026-10-31")]


def _pdf(content: bytes, name: str) -> Response[bytes]:
    return Response(
        content, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}.pdf"'}
    )


async def _render(kind: Any, view: Any) -> bytes:
    return await asyncio.to_thread(render_pdf, kind, view)


class ReportController(Controller):
    path = "/"
    tags = ["reports"]

    @get(
        "/contracts/{code:str}/scorecard.pdf",
        opt=allow(policy.READ_SCORECARDS),
        media_type="application/pdf",
        summary="Vendor scorecard PDF: items vs bands and red lines, daily trends, accounts worst first",
    )
    async def scorecard(self, caller: CallerDep, code: PathStr, period: Period) -> Response[bytes]:
        view = await service.scorecard_view(caller, code, period)
        return _pdf(await _render("scorecard", view), f"scorecard-{code}-{view.period_label}")

    @get(
        "/shops/{code:str}/comparison.pdf",
        opt=allow(policy.COMPARE_VENDORS),
        media_type="application/pdf",
        summary="Vendor comparison PDF",
    )
    async def comparison(
        self,
        caller: CallerDep,
        code: PathStr,
        period: Period,
        periods: Annotated[int, QueryParameter(name="periods", ge=1, le=24)] = 6,
    ) -> Response[bytes]:
        view = await service.comparison_view(caller, code, period, periods)
        return _pdf(await _render("comparison", view), f"comparison-{code}-{view.period_label}")

    @get(
        "/reports/summary.pdf",
        opt=allow(policy.FINANCE_SUMMARY),
        media_type="application/pdf",
        summary="Finance summary PDF of a period: every invoice, totals by vendor and shop, adjustments",
    )
    async def summary(self, caller: CallerDep, period: Period) -> Response[bytes]:
        view = await service.summary_view(caller, period)
        return _pdf(await _render("summary", view), f"summary-{view.period_label}")
