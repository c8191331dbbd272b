"""The one error hierarchy of vendor-ms.

Services and the domain raise these; the HTTP layer maps them to RFC 9457 problem details in
one place (`vendor_ms.api.problems`) and the CLI prints them. Nothing else decides status codes.

Messages are `vendor_ms.messages.Text` (a code and its parameters), rendered in the reader's
language where the answer is made (`render_detail(lang)`, `FieldError.render(lang)`); a plain
string is a message not converted yet, shown as written in every language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from vendor_ms.messages import CATALOGUE, DEFAULT_LANG, Lang, Message, Text, render


class FieldError(msgspec.Struct, frozen=True, omit_defaults=True):
    """One problem with one field of the input. `row` is 1-based, for batch uploads; `field` is
    the name the input itself used (a JSON key, a document path, a column as the file wrote it)."""

    field: str
    message: Any  # a Message: Text, or str where not converted yet
    row: int | None = None

    @property
    def code(self) -> str | None:
        """The message's catalogue code; None for a message not converted yet."""
        return self.message.code if isinstance(self.message, Text) else None

    def render(self, lang: Lang = DEFAULT_LANG) -> str:
        """The message alone, in `lang`."""
        return render(self.message, lang)

    def describe(self, lang: Lang = DEFAULT_LANG) -> str:
        """Row, field and message in one line, as the CLI and problem summaries print it."""
        text = self.render(lang)
        if self.field:
            text = Text("problems.in_field", field=self.field, message=text).render(lang)
        if self.row is not None:
            text = Text("problems.at_row", row=self.row, rest=text).render(lang)
        return text

    def __str__(self) -> str:
        return self.describe()


class AppError(Exception):
    status_code = 400
    title = "Bad request"
    slug = "bad-request"

    def __init__(self, detail: Message) -> None:
        super().__init__(render(detail, "en"))
        self.message: Message = detail

    @property
    def detail(self) -> str:
        return self.render_detail(DEFAULT_LANG)

    def render_detail(self, lang: Lang) -> str:
        return render(self.message, lang)

    def render_title(self, lang: Lang) -> str:
        code = f"title.{self.slug}"
        return Text(code).render(lang) if code in CATALOGUE else self.title


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

    def __init__(self, errors: Sequence[FieldError], detail: Message | None = None) -> None:
        self.error_count = len(errors)
        self.errors = list(errors[: self.MAX_LISTED])
        self._given_detail = detail
        super().__init__(detail if detail is not None else "")
        self.message = detail if detail is not None else self.render_detail("en")

    def render_detail(self, lang: Lang) -> str:
        """ "3 problems: row 2: 满意数: ...; ...": the count and the first three, in `lang`."""
        if self._given_detail is not None:
            return render(self._given_detail, lang)
        separator = "；" if lang == "zh" else "; "
        first = separator.join(e.describe(lang) for e in self.errors[:3])
        if self.error_count > 3:
            first = Text("problems.more", first=first).render(lang)
        code = "problems.one" if self.error_count == 1 else "problems.many"
        return Text(code, count=self.error_count, first=first).render(lang)
