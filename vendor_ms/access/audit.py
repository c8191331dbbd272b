"""The audit trail: every write records who, when, what and which records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from vendor_ms.access.caller import Caller
from vendor_ms.db.tables import AuditEvent


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
