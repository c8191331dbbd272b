"""Vendor comparison of a shop (`/shops/{code}/comparison`): charts and the category benchmark."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.params import QueryParameter
from litestar.response import Template

from vendor_ms.access import policy
from vendor_ms.api.auth import allow
from vendor_ms.api.params import CallerDep, PathStr
from vendor_ms.documents.charts import comparison_charts
from vendor_ms.reporting.service import comparison_view
from vendor_ms.web.pages._common import last_month, page

PeriodQuery = Annotated[str | None, QueryParameter(name="period", required=False, max_length=12)]
Periods = Annotated[int, QueryParameter(name="periods", ge=1, le=24)]


@get("/shops/{code:str}/comparison", opt=allow(policy.COMPARE_VENDORS), include_in_schema=False)
async def comparison(caller: CallerDep, code: PathStr, period: PeriodQuery = None, periods: Periods = 6) -> Template:
    view = await comparison_view(caller, code, period or last_month(), periods)
    return page("comparison.html", caller, view=view, charts=comparison_charts(view))


ROUTES = [comparison]
