"""Every error becomes an RFC 9457 problem document, here and nowhere else.

`AppError` subclasses carry their status; Litestar's own exceptions (unknown route, wrong
method, body too large, parameter validation) are translated to the same shape. A body that
msgspec rejected at its first error is decoded again with `domain.decoding.decode` so the
answer lists every field error, not just the first.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.utils.scope.state import ScopeState

from vendor_ms.domain.decoding import decode, decode_json_bytes
from vendor_ms.errors import AppError, FieldError, RateLimited, ValidationFailed

log = logging.getLogger("vendor_ms.api")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://vendor-ms.dev/problems/"


class Problem(msgspec.Struct, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None
    error_count: int | None = None


def _response(
    request: Request[Any, Any, Any], problem: Problem, headers: dict[str, str] | None = None
) -> Response[Any]:
    problem.instance = request.url.path
    return Response(
        content=msgspec.json.encode(problem),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def app_error_handler(request: Request[Any, Any, Any], exc: AppError) -> Response[Any]:
    problem = Problem(type=TYPE_BASE + exc.slug, title=exc.title, status=exc.status_code, detail=exc.detail)
    if isinstance(exc, ValidationFailed):
        problem.errors = exc.errors
        problem.error_count = exc.error_count
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    return _response(request, problem, headers)


def validation_exception_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    if any(isinstance(e, dict) and e.get("source") == "body" for e in extra):
        full = _redecode_body(request)
        if full is not None:
            return app_error_handler(request, full)
    errors = [
        FieldError(
            field=str(e.get("key") or ""),
            message=f"{e.get('source', 'request')} parameter: {e.get('message', 'invalid')}"
            if e.get("source") not in (None, "body")
            else str(e.get("message", "invalid")),
        )
        for e in extra
        if isinstance(e, dict)
    ]
    if not errors:
        errors = [FieldError("", str(exc.detail))]
    return app_error_handler(request, ValidationFailed(errors))


def _redecode_body(request: Request[Any, Any, Any]) -> AppError | None:
    """Decode the cached raw body again, collecting every error against the handler's Struct."""
    body = ScopeState.from_scope(request.scope).body
    field = request.route_handler.parsed_data_field
    if not isinstance(body, bytes) or field is None:
        return None
    target = field.annotation
    if not (isinstance(target, type) and issubclass(target, msgspec.Struct)):
        return None
    try:
        decode(decode_json_bytes(body), target)
    except AppError as exc:
        return exc
    return None


def http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    titles = {
        400: "Bad request",
        401: "Authentication required",
        403: "Forbidden",
        404: "Not found",
        405: "Method not allowed",
        413: "Payload too large",
        415: "Unsupported media type",
        429: "Too many requests",
    }
    detail = str(exc.detail)
    if status == 413:
        detail = "request body too large: " + detail
    problem = Problem(
        type=TYPE_BASE + titles.get(status, "error").lower().replace(" ", "-"),
        title=titles.get(status, "Error"),
        status=status,
        detail=detail,
    )
    return _response(request, problem, dict(exc.headers or {}) or None)


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    problem = Problem(
        type=TYPE_BASE + "internal-error",
        title="Internal server error",
        status=500,
        detail="an unexpected error occurred; it has been logged",
    )
    return _response(request, problem)


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    AppError: app_error_handler,
    ValidationException: validation_exception_handler,
    HTTPException: http_exception_handler,
    Exception: internal_error_handler,
}
