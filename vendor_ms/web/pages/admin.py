"""Admin (`/admin/users`): users, their sign-in passwords and tokens."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from vendor_ms.access import passwords, policy
from vendor_ms.access.service import create_user, list_users
from vendor_ms.api.auth import allow
from vendor_ms.api.params import CallerDep, PathStr
from vendor_ms.web.pages._common import page, see_other

Text = Annotated[str | None, QueryParameter(required=False, max_length=100)]


@get("/admin/users", opt=allow(policy.READ_USERS), include_in_schema=False)
async def users(caller: CallerDep, updated: Text = None) -> Template:
    return page("admin_users.html", caller, users=await list_users(caller), token=None, updated=updated)


@post("/admin/users", opt=allow(policy.CREATE_USER), include_in_schema=False)
async def create(request: Request[Any, Any, Any], caller: CallerDep) -> Template:
    form = await request.form()
    shops = [s.strip() for s in str(form.get("shops") or "").replace("，", ",").split(",") if s.strip()]
    issued = await create_user(
        caller,
        name=str(form.get("name") or "").strip(),
        role=str(form.get("role") or ""),
        shops=shops,
        vendor=str(form.get("vendor") or "").strip() or None,
        password=str(form.get("password") or "") or None,
    )
    # The token is shown once, on this answer only (as the CLI prints it once).
    return page("admin_users.html", caller, users=await list_users(caller), token=issued, updated=None)


@post("/admin/users/{name:str}/password", opt=allow(policy.SET_PASSWORD), include_in_schema=False)
async def set_password(request: Request[Any, Any, Any], caller: CallerDep, name: PathStr) -> Redirect:
    await passwords.set_password(caller, name, str((await request.form()).get("password") or ""))
    return see_other(f"/admin/users?updated={name}")


ROUTES = [users, create, set_password]
