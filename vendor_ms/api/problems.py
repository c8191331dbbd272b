"""Every error becomes an RFC 9457 problem document, here and nowhere else.

`AppError` subclasses carry their status; Litestar's own exceptions (unknown route, wrong
method, body too large, parameter validation) are translated to the same shape. A body that
msgspec rejected at its first error is decoded again with `domain.decoding.decode` so the
answer lists every field error, not just the first.

The answer's language (SPEC 10.4) is negotiated here, once, from `Accept-Language`: Chinese by
default, English for `en`; title, detail and every listed error's message are rendered in it
(`Content-Language` says which), and each listed error carries its message's `code`, the same in
every language, for clients that act on it.

`document_problems` writes the same shape into the OpenAPI document, for every status an
operation can answer, so clients (and schemathesis) can rely on the schema for errors too.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Litestar, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.spec import OpenAPIHeader, OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Reference, Schema
from litestar.routes import HTTPRoute
from litestar.utils.scope.state import ScopeState

from vendor_ms.domain.decoding import decode, decode_json_bytes
from vendor_ms.errors import AppError, FieldError, RateLimited, ValidationFailed
from vendor_ms.messages import CATALOGUE, CONTENT_LANGUAGE, Lang, Text, negotiate

log = logging.getLogger("vendor_ms.api")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://vendor-ms.dev/problems/"


# One problem of the input: where (`row`, `field` as the input named it) and what, rendered;
# `code` is the message's catalogue code, the same in every language. Named FieldError in the
# OpenAPI document, as it always was.
ProblemError = msgspec.defstruct(
    "FieldError",
    [("field", str), ("message", str), ("row", int | None, None), ("code", str | None, None)],
    omit_defaults=True,
)


class Problem(msgspec.Struct, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemError] | None = None  # type: ignore[valid-type]
    error_count: int | None = None


def request_language(request: Request[Any, Any, Any]) -> Lang:
    """The language of this request's answers (SPEC 10.4): Chinese unless Accept-Language asks for English."""
    return negotiate(request.headers.get("accept-language"))


def problem_errors(errors: list[FieldError], lang: Lang) -> list[Any]:
    return [ProblemError(e.field, e.render(lang), e.row, e.code) for e in errors]


def _response(
    request: Request[Any, Any, Any], problem: Problem, lang: Lang, headers: dict[str, str] | None = None
) -> Response[Any]:
    problem.instance = request.url.path
    return Response(
        content=msgspec.json.encode(problem),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers={**(headers or {}), "Content-Language": CONTENT_LANGUAGE[lang]},
    )


def app_error_handler(request: Request[Any, Any, Any], exc: AppError) -> Response[Any]:
    lang = request_language(request)
    problem = Problem(
        type=TYPE_BASE + exc.slug,
        title=exc.render_title(lang),
        status=exc.status_code,
        detail=exc.render_detail(lang),
    )
    if isinstance(exc, ValidationFailed):
        problem.errors = problem_errors(exc.errors, lang)
        problem.error_count = exc.error_count
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    return _response(request, problem, lang, headers)


def validation_exception_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    if any(isinstance(e, dict) and e.get("source") == "body" for e in extra):
        full = _redecode_body(request)
        if full is not None:
            return app_error_handler(request, full)
    errors = [
        FieldError(
            field=str(e.get("key") or ""),
            message=Text("problems.parameter", source=e.get("source", "request"), message=e.get("message", "invalid"))
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
    lang = request_language(request)
    status = exc.status_code
    slug = _HTTP_SLUGS.get(status, "error")
    detail = str(exc.detail)
    if status == 413:
        detail = Text("problems.body_too_large", detail=detail).render(lang)
    problem = Problem(type=TYPE_BASE + slug, title=Text(f"title.{slug}").render(lang), status=status, detail=detail)
    return _response(request, problem, lang, dict(exc.headers or {}) or None)


# Litestar's own exceptions by status, as the slugs of the problem types (and their titles).
_HTTP_SLUGS = {
    400: "bad-request",
    401: "authentication-required",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "payload-too-large",
    415: "unsupported-media-type",
    429: "too-many-requests",
}
assert all(f"title.{slug}" in CATALOGUE for slug in _HTTP_SLUGS.values())


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    lang = request_language(request)
    problem = Problem(
        type=TYPE_BASE + "internal-error",
        title=Text("title.internal-error").render(lang),
        status=500,
        detail=Text("problems.internal").render(lang),
    )
    return _response(request, problem, lang)


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    AppError: app_error_handler,
    ValidationException: validation_exception_handler,
    HTTPException: http_exception_handler,
    Exception: internal_error_handler,
}


# ---------------------------------------------------------------------------------------------
# OpenAPI

# What each status means on this API; every operation under /api/v1 documents those it can answer.
_PROBLEM_DESCRIPTIONS = {
    400: "Malformed input: the body cannot be parsed (broken JSON, undecodable CSV)",
    401: "No token, or an unknown, revoked or expired one",
    403: "The token's role may not use this route, or it acts for a shop that is not its own",
    404: "Does not exist, or lies outside the caller's scope (the two are indistinguishable)",
    409: "The record's state does not allow this (e.g. issuing an invoice twice)",
    413: "The body is larger than the server accepts",
    415: "The body's content type is not the one this route takes",
    422: "Well-formed but invalid: `errors` lists every problem (row, field as the input named it, message "
    "in the language of Accept-Language, Chinese by default, and its code)",
    429: "Too many write requests for this token; retry after `Retry-After` seconds",
}
_EVERY_OPERATION = (400, 401, 404, 422)
_WRITES = (409, 413, 415, 429)


def document_problems(app: Litestar, *, prefix: str = "/api/") -> None:
    """Document the problem responses of every operation under `prefix` in the app's OpenAPI.

    Litestar documents only a generic 400 of its own shape; this replaces it with the problem
    document (`application/problem+json`) for each status the operation can answer: every
    operation 400, 401, 404, 422; writes also 409, 413, 415, 429 (with `Retry-After`); 403 where
    the route is closed to some role, or is a write (which may act for a shop not the caller's).
    """
    from vendor_ms.access.caller import ROLES
    from vendor_ms.api.auth import WRITE_METHODS

    openapi = app.openapi_schema
    schemas, components = msgspec.json.schema_components([Problem], ref_template="#/components/schemas/{name}")
    if openapi.components.schemas is None:  # pragma: no cover - Litestar always creates the dict
        openapi.components.schemas = {}
    openapi.components.schemas.update(components)
    body = {PROBLEM_JSON: OpenAPIMediaType(schema=Reference(ref=schemas[0]["$ref"]))}
    retry_after = OpenAPIHeader(
        schema=Schema(type=OpenAPIType.INTEGER, minimum=1), description="seconds until a write is accepted again"
    )
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(prefix):
            continue
        path_item = (openapi.paths or {}).get(route.path_format)
        for handler in route.route_handlers:
            for method in handler.http_methods:
                operation = getattr(path_item, method.lower(), None) if path_item else None
                if operation is None:
                    continue
                statuses = set(_EVERY_OPERATION)
                if method in WRITE_METHODS:
                    statuses.update(_WRITES)
                if method in WRITE_METHODS or set(handler.opt.get("roles", ())) != set(ROLES):
                    statuses.add(403)
                responses = operation.responses if operation.responses is not None else {}
                for status in sorted(statuses):
                    responses[str(status)] = OpenAPIResponse(
                        description=_PROBLEM_DESCRIPTIONS[status],
                        content=body,
                        headers={"Retry-After": retry_after} if status == 429 else None,
                    )
                operation.responses = responses
