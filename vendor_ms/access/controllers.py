"""HTTP routes of access: the audit trail."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from vendor_ms.access import audit, policy
from vendor_ms.api.auth import allow
from vendor_ms.api.params import CallerDep, Limit, Offset
from vendor_ms.pagination import Page, Window


class AuditController(Controller):
    path = "/audit"
    tags = ["audit"]

    @get(
        "/",
        opt=allow(policy.READ_AUDIT),
        summary="The audit trail, newest first",
        description="Admins see every event; shop owners the events of their shops; vendors their own "
        "actions; finance the billing trail (billing runs, issuing, payments, voids).",
    )
    async def list(
        self,
        caller: CallerDep,
        action: Annotated[str | None, QueryParameter(name="action", required=False, max_length=50)] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[audit.AuditEventOut]:
        return await audit.list_events(caller, action=action, window=Window(limit, offset))
