"""The authenticated caller of a request or a CLI command, and what it may see.

A shop owner acts for a set of shops, a vendor for one vendor; admin and finance see
everything (finance only what is billing-related, enforced by each route's role list).
Anything outside a caller's scope is reported as not found, so existence never leaks.
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

    @property
    def sees_everything(self) -> bool:
        return self.role in ("admin", "finance")

    def sees(self, shop_code: str, vendor_code: str) -> bool:
        """Whether a record of this shop and vendor (a contract, an account, an invoice) is visible."""
        if self.sees_everything:
            return True
        if self.role == "shop_owner":
            return shop_code in self.shop_codes
        return self.role == "vendor" and vendor_code == self.vendor_code

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
