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
from vendor_ms.domain.export_profiles import PROFILES
from vendor_ms.domain.performance import MAX_BATCH_RECORDS, DailyBatchIn, parse_json
from vendor_ms.errors import FieldError, UnsupportedMediaType, ValidationFailed
from vendor_ms.messages import Message, Text
from vendor_ms.pagination import Page, Window
from vendor_ms.performance import service
from vendor_ms.performance.schemas import ContractMetricsOut, IngestOut, MetricsGroup, RevisionOut
from vendor_ms.tabular import XLSX_MEDIA_TYPE, FileFormat

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


def _xlsx_body(
    data: Annotated[bytes, Body(media_type=XLSX_MEDIA_TYPE, description="an XLSX workbook; the first sheet is read")],
) -> None:
    """Documents the XLSX body in OpenAPI; never called (see the module docstring)."""


Profile = Annotated[
    str | None,
    QueryParameter(
        name="profile",
        required=False,
        description="the export's column layout: " + ", ".join(PROFILES) + " (default: the platform of the "
        "contracts the file's accounts belong to; a file with the headers of SPEC 3 needs none)",
    ),
]
Sheet = Annotated[
    str | None,
    QueryParameter(name="sheet", required=False, description="XLSX: the worksheet to read (default: the first)"),
]


def _refuse_media_type(request: Request[Any, Any, Any], allowed: tuple[str, ...], hint: Message) -> None:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type and media_type not in allowed:
        raise UnsupportedMediaType(Text("request.media_type", allowed=allowed[0], given=media_type[:80], hint=hint))


_WRITE_DESCRIPTION = (
    f"At most {MAX_BATCH_RECORDS:,} records. All-or-nothing: any bad record rejects the batch with 422 listing "
    "every row's errors (row, the field or column as the input named it, message in the language of "
    "Accept-Language: Chinese unless `en`, and the message's `code`; at most 1,000 listed, `error_count` is "
    "the total), an account outside the caller's scope reading exactly like one that does not exist. "
    "201 with the new batch; 200 when the batch was already received (same Idempotency-Key, or the "
    "same content with every record unchanged): nothing is written and the first batch's id is answered."
)
_DAILY = "/api/v1/performance/daily"
_FILE_DESCRIPTION = (
    "Header: the JSON field names or the Chinese headers of SPEC 3 (客服账号, 日期, 咨询人数, ...), or the "
    "columns of a platform's own 客服绩效 export under its profile (`profile`; by default the platform of the "
    "contracts the accounts belong to), in any order; rate columns (3分钟人工回复率 ...) are checked against "
    "the counts of their row and not stored; numbers may carry thousands separators; rows are numbered as "
    "the spreadsheet shows them (the header is row 1). " + _WRITE_DESCRIPTION
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
        _refuse_media_type(request, ("application/json",), Text("request.send_csv", route=f"{_DAILY}.csv"))
        result = await service.ingest(caller, parse_json(body), idempotency_key=idempotency_key)
        return Response(result.answer, status_code=200 if result.replayed else 201)

    @post(
        "/daily.csv",
        opt=allow(policy.SUBMIT_PERFORMANCE),
        summary="Submit daily performance records (CSV, or a platform's CSV export)",
        description="UTF-8 (with or without BOM), UTF-16 with BOM, GBK or GB18030. " + _FILE_DESCRIPTION,
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
        profile: Profile = None,
    ) -> Response[IngestOut]:
        _refuse_media_type(
            request,
            ("text/csv", "application/csv", "text/plain", "application/octet-stream"),
            Text("request.send_json", route=_DAILY),
        )
        return await _submit_file(caller, body, "csv", profile, None, idempotency_key)

    @post(
        "/daily.xlsx",
        opt=allow(policy.SUBMIT_PERFORMANCE),
        summary="Submit daily performance records (XLSX, or a platform's XLSX export)",
        description="The first worksheet, or the one `sheet` names. " + _FILE_DESCRIPTION,
        dependencies={"_body_schema": Provide(_xlsx_body, sync_to_thread=False)},
        status_code=201,
        responses=_REPLAYED,
    )
    async def submit_xlsx(
        self,
        request: Request[Any, Any, Any],
        caller: CallerDep,
        body: RawBody,
        idempotency_key: IdempotencyKey = None,
        profile: Profile = None,
        sheet: Sheet = None,
    ) -> Response[IngestOut]:
        _refuse_media_type(
            request, (XLSX_MEDIA_TYPE, "application/octet-stream"), Text("request.send_csv", route=f"{_DAILY}.csv")
        )
        return await _submit_file(caller, body, "xlsx", profile, sheet, idempotency_key)


async def _submit_file(
    caller: Any, body: bytes, file_format: FileFormat, profile: str | None, sheet: str | None, key: str | None
) -> Response[IngestOut]:
    parsed = await service.read_file(caller, body, file_format=file_format, profile=profile, sheet=sheet)
    result = await service.ingest(caller, parsed, idempotency_key=key)
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
    raise ValidationFailed([FieldError("date", Text("value.not_date_iso", value=repr(text[:40])))])
