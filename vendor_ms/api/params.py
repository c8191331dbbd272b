"""Parameter types shared by every controller (explicit, as Litestar 3 will require)."""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter

from vendor_ms.access.caller import Caller
from vendor_ms.pagination import MAX_LIMIT

CallerDep = NamedDependency[Caller]
Limit = Annotated[int, Parameter(query="limit", ge=1, le=MAX_LIMIT, description="page size (at most 1000)")]
Offset = Annotated[int, Parameter(query="offset", ge=0, description="rows to skip")]
PathStr = FromPath[str]
PathInt = FromPath[int]
