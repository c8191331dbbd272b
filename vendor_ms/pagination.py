"""The list shape every list endpoint answers: `{"items": [...], "total": N}`."""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    total: int


class Window(msgspec.Struct, frozen=True):
    limit: int = DEFAULT_LIMIT
    offset: int = 0
