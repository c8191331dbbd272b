"""Errors on pages: the same error hierarchy as the API, shown as HTML.

A missing record and a page the role may not see get the same not-found page (status 404);
a session that ended redirects to /login; invalid input (422) and state conflicts (409) show
their messages; anything unexpected is a 500 page that says nothing of the internals. Paths
outside the API that match no route get the same not-found page as well.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.response import Redirect, Template

from vendor_ms.api import problems
from vendor_ms.errors import AppError, NotFound, PermissionDenied, ValidationFailed
from vendor_ms.web.session import SignInRequired

log = logging.getLogger("vendor_ms.web")

NON_PAGE_PREFIXES = ("/api/", "/schema", "/health")


def is_page_path(path: str) -> bool:
    return not path.startswith(NON_PAGE_PREFIXES)


def _page(
    request: Request[Any, Any, Any], status: int, title: str, message: str, errors: Any = (), *, nav: bool = True
) -> Response[Any]:
    caller = getattr(request.state, "caller", None) if nav else None
    return Template(
        "error.html",
        context={"caller": caller, "status": status, "title": title, "message": message, "errors": list(errors)},
        status_code=status,
        media_type="text/html",
    )


def not_found(request: Request[Any, Any, Any]) -> Response[Any]:
    # Without the navigation (which depends on the role): byte for byte the same page whether the
    # path is unknown, the record is missing, or the role may not see it.
    return _page(
        request, 404, "找不到页面 Not found", "没有这个页面或记录，或者您无权查看。 No such page or record.", nav=False
    )


def page_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, SignInRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/login?next={quote(target, safe='')}", status_code=303)
    if isinstance(exc, NotFound | PermissionDenied):
        return not_found(request)
    if isinstance(exc, ValidationFailed):
        return _page(request, exc.status_code, "输入有误 Invalid input", exc.detail, exc.errors)
    if isinstance(exc, AppError):
        return _page(request, exc.status_code, exc.title, exc.detail)
    if isinstance(exc, PermissionDeniedException | NotAuthorizedException):
        # Litestar's CSRF check: the form is older than the cookie, or was not sent from our page
        return _page(request, 403, "表单已过期 Form expired", "请刷新页面后重试。 Reload the page and try again.")
    if isinstance(exc, HTTPException):
        if exc.status_code == 404:
            return not_found(request)
        return _page(request, exc.status_code, "请求有误 Bad request", str(exc.detail))
    log.exception("unhandled error on page %s", request.url.path)
    return _page(request, 500, "内部错误 Internal error", "出错了，已记录。 Something went wrong; it has been logged.")


# Every class the app maps to problem documents, so the pages' handler wins on page routes
# (Litestar picks the handler of the most specific class, whichever layer declares it).
PAGE_EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    cls: page_error for cls in (*problems.EXCEPTION_HANDLERS, HTTPException, AppError, Exception)
}


def app_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """The app-wide handler: pages (an unknown page path) get HTML, everything else a problem."""
    if exc.status_code == 404 and is_page_path(request.url.path):
        return not_found(request)
    return problems.http_exception_handler(request, exc)
