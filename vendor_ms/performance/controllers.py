"""HTTP routes of the performance feature: decode, call one service, return a Struct.

The submission routes read the raw body and parse it themselves (`domain.performance`): a valid
100,000-record batch decodes straight into Structs in C, and a bad one gets every row's errors
rather than msgspec's first. OpenAPI still documents the request body: each route carries a
dependency that declares it, which the route never asks for and so never runs.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, FromQuery, HeaderParameter, QueryParameter, RawBody

from vendor_ms.access import policy
from vendor_ms.api.auth import allow
from vendor_ms.api.params import CallerDep, Limit, Offset, PathStr
from vendor_ms.domain.performance import MAX_BATCH_RECORDS, DailyBatchIn, parse_csv, parse_json
from vendor_ms.errors import FieldError, UnsupportedMediaType, ValidationFailed
from vendor_ms.pagination import Page, Window
from vendor_ms.performance import service
from vendor_ms.performance.schemas import ContractMetricsOut, IngestOut, MetricsGroup, RevisionOut

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        required=False,
        description="any unique string (a UUID); the same key again answers the first answer and writes nothing",
    ),
]


def _json_body(data: DailyBatchIn) -> None:  # type: ignore[valid-type]
    """Documents the JSON body in OpenAPI; never called (see the module docstring)."""


def _csv_body(
    data: Annotated[str, Body(media_type="text/csv", description="header row, then one record a row")],
) -> None:
    """Documents the CSV body in OpenAPI; never called (see the module docstring)."""


def _refuse_media_type(request: Request[Any, Any, Any], allowed: tuple[str, ...], hint: str) -> None:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type and media_type not in allowed:
        raise UnsupportedMediaType(f"this route takes {allowed[0]}, not {media_type}; {hint}")


_WRITE_DESCRIPTION = (
    f"At most {MAX_BATCH_RECORDS:,} records. All-or-nothing: any bad record rejects the batch with 422 listing "
    "every row's errors (row, field, message; at most 1,000 listed, `error_count` is the total). "
    "201 with the new batch; 200 when the batch was already received (same Idempotency-Key, or the "
    "same content with every record unchanged): nothing is written and the first batch's id is answered."
)
# The 201 is the handler's own; a batch already received answers 200 (documented for OpenAPI).
_REPLAYED = {200: ResponseSpec(IngestOut, description="Already received: nothing written", generate_examples=False)}


class PerformanceController(Controller):
    path = "/performance"
    tags = ["performance"]

    @post(
        "/daily",
        opt=allow(policy.SUBMIT_PERFORMANCE),
        summary="Submit daily performance records (JSON)",
        description=_WRITE_DESCRIPTION,
        dependencies={"_body_schema": Provide(_json_body, sync_to_thread=False)},
        status_code=201,
        responses=_REPLAYED,
    )
    async def submit_json(
        self,
        request: Request[Any, Any, Any],
        caller: CallerDep,
        body: RawBody,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[IngestOut]:
        _refuse_media_type(request, ("application/json",), "send CSV to /api/v1/performance/daily.csv")
        result = await service.ingest(caller, parse_json(body), idempotency_key=idempotency_key)
        return Response(result.answer, status_code=200 if result.replayed else 201)

    @post(
        "/daily.csv",
        opt=allow(policy.SUBMIT_PERFORMANCE),
        summary="Submit daily performance records (CSV)",
        description="UTF-8 (with or without BOM), UTF-16 with BOM, GBK or GB18030. Header: the JSON field names "
        "or the Chinese headers (客服账号, 日期, 咨询人数, ...), in any order; numbers may carry thousands "
        "separators; error rows count the header as row 1. " + _WRITE_DESCRIPTION,
        dependencies={"_body_schema": Provide(_csv_body, sync_to_thread=False)},
        status_code=201,
        responses=_REPLAYED,
    )
    async def submit_csv(
        self,
        request: Request[Any, Any, Any],
        caller: CallerDep,
        body: RawBody,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[IngestOut]:
        _refuse_media_type(
            request,
            ("text/csv", "application/csv", "text/plain", "application/octet-stream"),
            "send JSON to /api/v1/performance/daily",
        )
        result = await service.ingest(caller, parse_csv(body), idempotency_key=idempotency_key)
        return Response(result.answer, status_code=200 if result.replayed else 201)


class PerformanceReadController(Controller):
    """Revisions of an account-day and a contract's metrics, within the caller's scope."""

    path = "/"
    tags = ["performance"]

    @get(
        "/accounts/{code:str}/daily/{day:str}/revisions",
        opt=allow(policy.READ_PERFORMANCE),
        summary="Every revision of one account-day, oldest first",
    )
    async def revisions(
        self, caller: CallerDep, code: PathStr, day: PathStr, limit: Limit = 100, offset: Offset = 0
    ) -> Page[RevisionOut]:
        return await service.list_revisions(caller, code, _path_date(day), Window(limit, offset))

    @get(
        "/contracts/{code:str}/metrics",
        opt=allow(policy.READ_PERFORMANCE),
        summary="Summed counts and metrics of a contract's latest revisions",
        description="Metrics are ratios of sums as decimal strings with 6 places, null when undefined. "
        "`from`/`to` default to the contract term; `group` is total, day or account.",
    )
    async def metrics(
        self,
        caller: CallerDep,
        code: PathStr,
        start: Annotated[date | None, QueryParameter(name="from", required=False)] = None,
        end: Annotated[date | None, QueryParameter(name="to", required=False)] = None,
        group: FromQuery[MetricsGroup] = "total",
    ) -> ContractMetricsOut:
        return await service.contract_metrics(caller, code, start, end, group)


def _path_date(text: str) -> date:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ValidationFailed([FieldError("date", f"must be a date (YYYY-MM-DD), got {text[:40]!r}")])
