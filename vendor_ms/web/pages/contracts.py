"""Contracts: the list, one contract's terms and versions, its scorecard for a period."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.params import QueryParameter
from litestar.response import Template

from vendor_ms.access import policy
from vendor_ms.api.auth import allow
from vendor_ms.api.params import CallerDep, Offset, PathStr
from vendor_ms.contracts.service import get_contract, list_contracts
from vendor_ms.documents.charts import daily_trend
from vendor_ms.pagination import Window
from vendor_ms.reporting.service import scorecard_view
from vendor_ms.web.pages._common import page

PAGE_SIZE = 100
PeriodQuery = Annotated[str | None, QueryParameter(name="period", required=False, max_length=12)]


@get("/contracts", opt=allow(policy.READ_CONTRACTS), include_in_schema=False)
async def contracts(caller: CallerDep, offset: Offset = 0) -> Template:
    found = await list_contracts(caller, Window(PAGE_SIZE, offset))
    return page("contracts.html", caller, contracts=found, offset=offset, page_size=PAGE_SIZE)


@get("/contracts/{code:str}", opt=allow(policy.READ_CONTRACTS), include_in_schema=False)
async def contract(caller: CallerDep, code: PathStr) -> Template:
    return page("contract.html", caller, contract=await get_contract(caller, code))


@get("/contracts/{code:str}/scorecard", opt=allow(policy.READ_SCORECARDS), include_in_schema=False)
async def scorecard(caller: CallerDep, code: PathStr, period: PeriodQuery = None) -> Template:
    view = await scorecard_view(caller, code, period)
    return page("scorecard.html", caller, view=view, charts=[daily_trend(s) for s in view.daily])


ROUTES = [contracts, contract, scorecard]
