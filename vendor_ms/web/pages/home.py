"""The dashboard (`/`): the caller's contracts in their current period."""

from __future__ import annotations

from litestar import get
from litestar.response import Template

from vendor_ms.access import policy
from vendor_ms.api.auth import allow
from vendor_ms.api.params import CallerDep
from vendor_ms.reporting.dashboard import dashboard
from vendor_ms.web.pages._common import page


@get("/", opt=allow(policy.READ_CONTRACTS), include_in_schema=False)
async def home(caller: CallerDep) -> Template:
    return page("dashboard.html", caller, board=await dashboard(caller))


ROUTES = [home]
