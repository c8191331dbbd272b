"""The authenticated caller of a request or a CLI command: its role and what it acts for.

A shop owner acts for a set of shops, a vendor for one vendor. What each role may do and see
is decided in one place, `vendor_ms.access.policy`.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from typing import Literal, get_args

from vendor_ms.errors import PermissionDenied

Role = Literal["admin", "shop_owner", "vendor", "finance"]
ROLES: tuple[str, ...] = get_args(Role)


@dataclass(frozen=True, slots=True)
class Caller:
    user_id: int | None
    name: str
    role: Role
    shop_codes: frozenset[str] = field(default_factory=frozenset)
    vendor_code: str | None = None
    token_id: int | None = None

    # Billing's own checks, until billing asks the policy (vendor_ms.access.policy) like the rest:
    # new code uses `policy.<KIND>.condition/allows` and `policy.<ACTION>.require` instead.
    @property
    def sees_everything(self) -> bool:
        return self.role in ("admin", "finance")

    def require_role(self, *roles: Role, action: str) -> None:
        if self.role not in roles:
            allowed = ", ".join(roles)
            raise PermissionDenied(f"{action} needs the role {allowed}; this token's role is {self.role}")


def local_admin() -> Caller:
    """The operator at the CLI: full rights, audited under the OS user's name."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Caller(user_id=None, name=f"cli:{user}", role="admin")
