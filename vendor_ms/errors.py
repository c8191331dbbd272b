"""The one error hierarchy of vendor-ms.

Services and the domain raise these; the HTTP layer maps them to RFC 9457 problem details in
one place (`vendor_ms.api.problems`) and the CLI prints them. Nothing else decides status codes.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec


class FieldError(msgspec.Struct, frozen=True, omit_defaults=True):
    """One problem with one field of the input. `row` is 1-based, for batch uploads."""

    field: str
    message: str
    row: int | None = None

    def __str__(self) -> str:
        where = f"row {self.row}: " if self.row is not None else ""
        return f"{where}{self.field}: {self.message}" if self.field else f"{where}{self.message}"


class AppError(Exception):
    status_code = 400
    title = "Bad request"
    slug = "bad-request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class MalformedInput(AppError):
    """The body cannot even be parsed (broken JSON, undecodable CSV)."""

    status_code = 400
    title = "Malformed input"
    slug = "malformed-input"


class Unauthenticated(AppError):
    status_code = 401
    title = "Authentication required"
    slug = "unauthenticated"


class PermissionDenied(AppError):
    status_code = 403
    title = "Forbidden"
    slug = "forbidden"


class NotFound(AppError):
    status_code = 404
    title = "Not found"
    slug = "not-found"


class Conflict(AppError):
    status_code = 409
    title = "Conflict"
    slug = "conflict"


class PayloadTooLarge(AppError):
    status_code = 413
    title = "Payload too large"
    slug = "payload-too-large"


class UnsupportedMediaType(AppError):
    status_code = 415
    title = "Unsupported media type"
    slug = "unsupported-media-type"


class RateLimited(AppError):
    status_code = 429
    title = "Too many requests"
    slug = "rate-limited"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class ValidationFailed(AppError):
    """The input is well-formed but wrong; carries every problem found, not just the first."""

    status_code = 422
    title = "Validation failed"
    slug = "validation-failed"

    # Listing a million bad rows helps nobody; the total is always reported.
    MAX_LISTED = 1000

    def __init__(self, errors: Sequence[FieldError], detail: str | None = None) -> None:
        self.error_count = len(errors)
        self.errors = list(errors[: self.MAX_LISTED])
        if detail is None:
            noun = "problem" if self.error_count == 1 else "problems"
            detail = f"{self.error_count} {noun}: " + "; ".join(str(e) for e in self.errors[:3])
            if self.error_count > 3:
                detail += "; ..."
        super().__init__(detail)


class RecordsNotFound(ValidationFailed):
    """A batch names records the caller cannot see: unknown to it, or someone else's.

    Answered as 404 (scope never reveals existence), still listing every row's errors so the
    submitter can fix the whole batch at once.
    """

    status_code = 404
    title = "Not found"
    slug = "not-found"
