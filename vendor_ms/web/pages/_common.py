"""What every page handler shares: the template response, the caller, form bodies, safe redirects."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from vendor_ms import clock
from vendor_ms.access import policy
from vendor_ms.access.caller import Caller
from vendor_ms.domain.periods import period_containing
from vendor_ms.errors import FieldError, ValidationFailed

T = TypeVar("T")

Form = Annotated[T, Body(media_type=RequestEncodingType.URL_ENCODED)]
MultipartForm = Annotated[T, Body(media_type=RequestEncodingType.MULTI_PART)]


def page(name: str, caller: Caller | None, status: int = 200, **context: Any) -> Template:
    """A page; its template asks `may("invoice.issue")` what to offer, from the one policy."""

    def may(action: str) -> bool:
        return caller is not None and policy.ACTIONS[action].allows(caller.role)

    return Template(name, context={"caller": caller, "may": may, **context}, status_code=status, media_type="text/html")


def see_other(path: str) -> Redirect:
    """After a form write: 303, so reloading the result page does not send the form again."""
    return Redirect(path, status_code=303)


def local_path(target: str | None, default: str = "/") -> str:
    """A redirect target from user input: only a path on this site (never //host or a scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def last_month() -> str:
    """The month before the current one (Asia/Shanghai): the month finance closes, the default report."""
    return period_containing(clock.today(clock.NUMBERING_TIMEZONE), "monthly").previous().label


def decode_form(kind: type[T], fields: dict[str, Any]) -> T:
    """A form's text fields as the API's input Struct (empty fields left out, so optional ones
    take their defaults); the same validation as the API, every error a ValidationFailed."""
    values = {k: v for k, v in fields.items() if not k.startswith("_") and v not in ("", None)}
    try:
        return msgspec.convert(values, kind, strict=False)
    except msgspec.ValidationError as exc:
        raise ValidationFailed([FieldError("", str(exc))]) from None
