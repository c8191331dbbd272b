"""The audit trail: every write records who, when, what and which records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import msgspec

from vendor_ms.access import policy
from vendor_ms.access.caller import Caller
from vendor_ms.db.tables import AuditEvent
from vendor_ms.pagination import Page, Window


async def record(
    caller: Caller,
    action: str,
    entity: str,
    ref: str = "",
    *,
    shops: Iterable[str] = (),
    vendors: Iterable[str] = (),
    detail: dict[str, Any] | None = None,
) -> None:
    """Append an audit event; call inside the transaction of the write it describes."""
    await AuditEvent.insert(
        AuditEvent(
            actor_id=caller.user_id,
            actor_name=caller.name,
            actor_role=caller.role,
            action=action,
            entity=entity,
            entity_ref=ref[:200],
            # Padded with spaces so `LIKE '% code %'` matches whole codes only.
            shop_codes=_codes(shops),
            vendor_codes=_codes(vendors),
            detail=msgspec.json.encode(detail or {}).decode(),
        )
    ).run()


def _codes(codes: Iterable[str]) -> str:
    unique = sorted(set(codes))
    return f" {' '.join(unique)} " if unique else ""


class AuditEventOut(msgspec.Struct, kw_only=True):
    id: int
    at: datetime
    actor: str
    role: str
    action: str
    entity: str
    ref: str
    shops: list[str]
    vendors: list[str]
    detail: dict[str, Any]


async def list_events(caller: Caller, *, action: str | None, window: Window) -> Page[AuditEventOut]:
    """Audit events in the caller's scope (`policy.AUDIT_EVENTS`), newest first."""
    policy.READ_AUDIT.require(caller)
    clauses: list[Any] = [c for c in [policy.AUDIT_EVENTS.condition(caller)] if c is not None]
    if action:
        clauses.append(AuditEvent.action == action)
    query, count = AuditEvent.select(), AuditEvent.count()
    for clause in clauses:
        query, count = query.where(clause), count.where(clause)
    rows = await query.order_by(AuditEvent.id, ascending=False).limit(window.limit).offset(window.offset)
    return Page(
        items=[
            AuditEventOut(
                id=r["id"],
                at=r["at"],
                actor=r["actor_name"],
                role=r["actor_role"],
                action=r["action"],
                entity=r["entity"],
                ref=r["entity_ref"],
                shops=r["shop_codes"].split(),
                vendors=r["vendor_codes"].split(),
                detail=msgspec.json.decode(r["detail"]),
            )
            for r in rows
        ],
        total=await count,
    )
