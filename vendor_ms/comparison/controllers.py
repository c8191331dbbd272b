"""HTTP route of the vendor comparison."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from vendor_ms.access import policy
from vendor_ms.api.auth import allow
from vendor_ms.api.params import CallerDep, PathStr
from vendor_ms.comparison import service
from vendor_ms.comparison.schemas import ComparisonOut


class ComparisonController(Controller):
    path = "/shops/{code:str}/comparison"
    tags = ["comparison"]

    @get(
        "/",
        opt=allow(policy.COMPARE_VENDORS),
        summary="A shop's vendors side by side, with their trend and the category benchmark",
    )
    async def compare(
        self,
        caller: CallerDep,
        code: PathStr,
        period: Annotated[str, QueryParameter(name="period", max_length=12, description="e.g. 2026-10")],
        periods: Annotated[int, QueryParameter(name="periods", ge=1, le=24, description="trend length")] = 6,
    ) -> ComparisonOut:
        return await service.compare_vendors(caller, code, period, periods)
