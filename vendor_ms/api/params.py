"""Parameter types shared by every controller (explicit, as Litestar 3 will require)."""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency
from litestar.params import FromPath, PathParameter, QueryParameter

from vendor_ms.access.caller import Caller
from vendor_ms.pagination import MAX_LIMIT

CallerDep = NamedDependency[Caller]
Limit = Annotated[int, QueryParameter(name="limit", ge=1, le=MAX_LIMIT, description="page size (at most 1000)")]
# Bounded so a huge offset is a 422, not an integer overflow in the database driver.
MAX_OFFSET = 10**9
Offset = Annotated[int, QueryParameter(name="offset", ge=0, le=MAX_OFFSET, description="rows to skip (at most 10⁹)")]
PathStr = FromPath[str]
# Record ids are 32-bit serials: anything larger is refused (422) before it reaches a database
# driver that would overflow on it (SQLite INTEGER, PostgreSQL int4).
MAX_ID = 2**31 - 1
PathInt = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
