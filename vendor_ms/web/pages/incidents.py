"""Incidents (`/incidents`): the list in scope, and recording one (shop owner, admin)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from vendor_ms.access import policy
from vendor_ms.api.auth import allow
from vendor_ms.api.params import CallerDep, Offset
from vendor_ms.billing.schemas import IncidentIn
from vendor_ms.billing.service import list_incidents, record_incident
from vendor_ms.contracts.service import list_contracts
from vendor_ms.pagination import Window
from vendor_ms.web.pages._common import decode_form, page, see_other

PAGE_SIZE = 100
Text = Annotated[str | None, QueryParameter(required=False, max_length=64)]


@get("/incidents", opt=allow(policy.READ_INCIDENTS), include_in_schema=False)
async def incidents(
    caller: CallerDep, contract: Text = None, period: Text = None, offset: Offset = 0, recorded: Text = None
) -> Template:
    found = await list_incidents(caller, contract=contract, period=period, window=Window(PAGE_SIZE, offset))
    choices = (
        (await list_contracts(caller, Window(1000, 0))).items if policy.RECORD_INCIDENT.allows(caller.role) else []
    )
    return page(
        "incidents.html",
        caller,
        incidents=found,
        contracts=choices,
        can_record=policy.RECORD_INCIDENT.allows(caller.role),
        contract=contract or "",
        period=period or "",
        offset=offset,
        page_size=PAGE_SIZE,
        recorded=recorded,
    )


@post("/incidents", opt=allow(policy.RECORD_INCIDENT), include_in_schema=False)
async def record(request: Request[Any, Any, Any], caller: CallerDep) -> Redirect:
    form = dict(await request.form())
    created = await record_incident(caller, decode_form(IncidentIn, form))
    return see_other(f"/incidents?contract={created.contract}&recorded={created.id}")


ROUTES = [incidents, record]
