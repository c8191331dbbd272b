"""Sign-in and sign-out (`/login`, `/logout`)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Template

from vendor_ms.access import passwords
from vendor_ms.access.caller import ROLES
from vendor_ms.api.params import CallerDep
from vendor_ms.web.pages._common import Form, local_path, page, see_other
from vendor_ms.web.session import current_caller, end_session, start_session
from vendor_ms.web.store import sweep_expired

ANYONE = {"public": True}
SIGNED_IN = {"roles": ROLES}  # signing out is not an action of the policy: anyone signed in


class LoginForm(msgspec.Struct):
    username: str = ""
    password: str = ""
    next: str = "/"


@get("/login", opt=ANYONE, include_in_schema=False)
async def login_form(request: Request[Any, Any, Any], next: str = "/") -> Template | Redirect:
    if await current_caller(request) is not None:
        return see_other(local_path(next))
    return page("login.html", None, next=local_path(next), username="", error=None)


@post("/login", opt=ANYONE, include_in_schema=False)
async def login(request: Request[Any, Any, Any], data: Form[LoginForm]) -> Template | Redirect:
    target = local_path(data.next)
    try:
        signed_in = await passwords.sign_in(data.username, data.password)
    except passwords.SignInRefused as refused:
        status = 429 if refused.locked else 401
        return page("login.html", None, status, next=target, username=data.username, error=refused.detail)
    start_session(request, signed_in.caller, signed_in.password_version)
    await sweep_expired()
    return see_other(target)


@post("/logout", opt=SIGNED_IN, include_in_schema=False)
async def logout(request: Request[Any, Any, Any], caller: CallerDep) -> Redirect:
    await passwords.sign_out(caller)
    end_session(request)
    return see_other("/login")


ROUTES = [login_form, login, logout]
